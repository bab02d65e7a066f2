-- The shared schema, MariaDB dialect (10.3+ for sequences). See ../h2 for the reasoning behind
-- the sequences.
create sequence users_seq start with 50 increment by 50;
create sequence purchases_seq start with 50 increment by 50;

-- utf8mb4 stores 4-byte characters; utf8mb4_bin compares by code point, so usernames page in the
-- same order as on PostgreSQL and H2. DATETIME(6) has no time zone: the driver is pinned to UTC
-- (see dev.fourways.db.Database.MARIADB).
create table users (
    id           bigint       not null default nextval(users_seq),
    username     varchar(50)  not null,
    email        varchar(120) not null,
    display_name varchar(100),
    created_at   datetime(6)  not null,
    version      bigint       not null default 0,
    primary key (id), -- MariaDB ignores a name on a primary key (it is always PRIMARY)
    constraint users_username_uk unique (username),
    constraint users_email_uk unique (email)
) engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin;

create table purchases (
    id        bigint        not null default nextval(purchases_seq),
    user_id   bigint        not null,
    amount    decimal(9, 2) not null,
    status    varchar(16)   not null,
    placed_at datetime(6)   not null,
    primary key (id),
    constraint purchases_user_fk foreign key (user_id) references users (id) on delete cascade,
    constraint purchases_amount_ck check (amount > 0),
    constraint purchases_status_ck check (status in ('NEW', 'PAID', 'SHIPPED', 'CANCELLED'))
) engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin;
