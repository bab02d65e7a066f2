-- 1 round trip
select users.id, users.username, users.email, users.display_name, users.created_at, users.version from users where users.username like (('%' || replace(replace(replace(cast(? as varchar(50)), '!', '!!'), '%', '!%'), '_', '!_')) || '%') escape '!' order by users.username asc, users.id asc fetch next ? rows only;
