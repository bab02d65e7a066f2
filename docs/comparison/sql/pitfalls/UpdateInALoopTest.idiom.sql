-- 2 round trips
with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) select nextval(users_seq) from n;
batch of 100: insert into users (id, username, email, display_name, created_at, version);
values (?, ?, ?, ?, ?, 0);
