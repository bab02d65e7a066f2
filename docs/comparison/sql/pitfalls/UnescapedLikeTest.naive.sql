-- 1 round trip
select users.username from users where users.username like cast(? as varchar) order by users.username;
