-- 2 round trips
select next value for users_seq from system_range(1, ?);
batch of 100: insert into users (id, username, email, display_name, created_at, version);
values (?, ?, ?, ?, ?, 0);
