-- claimPaidPurchases: the oldest PAID purchases, locked with FOR UPDATE SKIP LOCKED. With this
-- index the lock walks (status, placed_at, id) and touches only the rows it returns; without it
-- InnoDB would scan and lock rows of every status (REPEATABLE READ keeps those locks).
create index purchases_status_placed_idx on purchases (status, placed_at, id);
