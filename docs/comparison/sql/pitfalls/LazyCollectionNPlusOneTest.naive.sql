-- 6 round trips
select ue1_0.id,ue1_0.created_at,ue1_0.display_name,ue1_0.email,ue1_0.username,ue1_0.version from users ue1_0 order by ue1_0.username fetch first ? rows only;
select p1_0.user_id,p1_0.id,p1_0.amount,p1_0.placed_at,p1_0.status from purchases p1_0 where p1_0.user_id=? order by p1_0.placed_at,p1_0.id;
select p1_0.user_id,p1_0.id,p1_0.amount,p1_0.placed_at,p1_0.status from purchases p1_0 where p1_0.user_id=? order by p1_0.placed_at,p1_0.id;
select p1_0.user_id,p1_0.id,p1_0.amount,p1_0.placed_at,p1_0.status from purchases p1_0 where p1_0.user_id=? order by p1_0.placed_at,p1_0.id;
select p1_0.user_id,p1_0.id,p1_0.amount,p1_0.placed_at,p1_0.status from purchases p1_0 where p1_0.user_id=? order by p1_0.placed_at,p1_0.id;
select p1_0.user_id,p1_0.id,p1_0.amount,p1_0.placed_at,p1_0.status from purchases p1_0 where p1_0.user_id=? order by p1_0.placed_at,p1_0.id;
