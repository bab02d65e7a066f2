-- The shared schema, PostgreSQL dialect. See ../h2 for the reasoning behind the sequences.
create sequence users_seq start with 50 increment by 50;
create sequence purchases_seq start with 50 increment by 50;

create table users (
    id           bigint                      default nextval('users_seq') not null,
    -- COLLATE "C": code point order whatever the database's locale (en_US sorts 'a_b' after 'ab').
    username     varchar(50) collate "C"     not null,
    email        varchar(120) collate "C"    not null,
    display_name varchar(100),
    created_at   timestamp(6) with time zone not null,
    version      bigint                      default 0 not null,
    constraint users_pk primary key (id),
    constraint users_username_uk unique (username),
    constraint users_email_uk unique (email)
);
alter sequence users_seq owned by users.id;

create table purchases (
    id        bigint                      default nextval('purchases_seq') not null,
    user_id   bigint                      not null,
    amount    numeric(9, 2)               not null,
    status    varchar(16)                 not null,
    placed_at timestamp(6) with time zone not null,
    constraint purchases_pk primary key (id),
    constraint purchases_user_fk foreign key (user_id) references users (id) on delete cascade,
    constraint purchases_amount_ck check (amount > 0),
    constraint purchases_status_ck check (status in ('NEW', 'PAID', 'SHIPPED', 'CANCELLED'))
);
alter sequence purchases_seq owned by purchases.id;
