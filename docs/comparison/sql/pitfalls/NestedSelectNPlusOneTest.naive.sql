-- 6 round trips
select u.id, u.username, u.email, u.display_name, u.created_at, u.version from users u order by u.username limit ? offset ?;
select p.id, p.user_id, p.amount, p.status, p.placed_at from purchases p where p.user_id = ? order by p.placed_at, p.id;
select p.id, p.user_id, p.amount, p.status, p.placed_at from purchases p where p.user_id = ? order by p.placed_at, p.id;
select p.id, p.user_id, p.amount, p.status, p.placed_at from purchases p where p.user_id = ? order by p.placed_at, p.id;
select p.id, p.user_id, p.amount, p.status, p.placed_at from purchases p where p.user_id = ? order by p.placed_at, p.id;
select p.id, p.user_id, p.amount, p.status, p.placed_at from purchases p where p.user_id = ? order by p.placed_at, p.id;
