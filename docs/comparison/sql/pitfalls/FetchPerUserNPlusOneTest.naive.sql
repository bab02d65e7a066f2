-- 6 round trips
select users.id, users.username, users.email, users.display_name, users.created_at, users.version from users order by users.username fetch next ? rows only;
select purchases.id, purchases.user_id, purchases.amount, purchases.status, purchases.placed_at from purchases where purchases.user_id = cast(? as bigint) order by purchases.placed_at, purchases.id;
select purchases.id, purchases.user_id, purchases.amount, purchases.status, purchases.placed_at from purchases where purchases.user_id = cast(? as bigint) order by purchases.placed_at, purchases.id;
select purchases.id, purchases.user_id, purchases.amount, purchases.status, purchases.placed_at from purchases where purchases.user_id = cast(? as bigint) order by purchases.placed_at, purchases.id;
select purchases.id, purchases.user_id, purchases.amount, purchases.status, purchases.placed_at from purchases where purchases.user_id = cast(? as bigint) order by purchases.placed_at, purchases.id;
select purchases.id, purchases.user_id, purchases.amount, purchases.status, purchases.placed_at from purchases where purchases.user_id = cast(? as bigint) order by purchases.placed_at, purchases.id;
