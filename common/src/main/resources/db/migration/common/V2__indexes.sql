-- Indexes, the same SQL on every database. The unique constraints already index username
-- (findByUsername, page, listAfter's keyset) and email.

-- findWithPurchases / pageWithPurchases: a user's purchases in placed_at, id order; also serves
-- the foreign key (the cascade on delete, mergeUsers moving purchases).
create index purchases_user_placed_idx on purchases (user_id, placed_at, id);

-- topSpenders and cancelPurchasesPlacedBefore: purchases by time, then status; covering the
-- columns topSpenders sums so it need not visit the table.
create index purchases_placed_idx on purchases (placed_at, status, user_id, amount);

-- search sorted CREATED_DESC, and its createdFrom / createdTo range.
create index users_created_idx on users (created_at, id);
