-- 1 round trip
select u.id, u.username, u.email, u.display_name, u.created_at, u.version , p.id as p_id, p.user_id as p_user_id, p.amount as p_amount, p.status as p_status, p.placed_at as p_placed_at from (select id from users order by username limit ? offset ?) k join users u on u.id = k.id left join purchases p on p.user_id = u.id order by u.username, p.placed_at, p.id;
