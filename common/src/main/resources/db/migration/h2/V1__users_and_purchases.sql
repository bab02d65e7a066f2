-- The shared schema, H2 dialect. The same tables exist in ../postgresql and ../mariadb; only what
-- the SQL must spell differently differs.
--
-- Sequences run START WITH 50 INCREMENT BY 50: one value v stands for the block of ids v-49..v,
-- as Hibernate's pooled optimizer reads it, so block allocators (every style's batch inserts) and
-- inserts that take the column default (which use v alone) never collide.
create sequence users_seq start with 50 increment by 50;
create sequence purchases_seq start with 50 increment by 50;

create table users (
    id           bigint                      default next value for users_seq not null,
    -- H2 compares strings by UTF-16 code unit: for ASCII usernames that is code point order,
    -- the order every database must page in.
    username     varchar(50)                 not null,
    email        varchar(120)                not null,
    -- H2 counts VARCHAR length in UTF-16 units: 100 code points may take 200.
    display_name varchar(200),
    created_at   timestamp(6) with time zone not null,
    version      bigint                      default 0 not null,
    constraint users_pk primary key (id),
    constraint users_username_uk unique (username),
    constraint users_email_uk unique (email)
);

create table purchases (
    id        bigint                      default next value for purchases_seq not null,
    user_id   bigint                      not null,
    amount    numeric(9, 2)               not null,
    status    varchar(16)                 not null,
    placed_at timestamp(6) with time zone not null,
    constraint purchases_pk primary key (id),
    constraint purchases_user_fk foreign key (user_id) references users (id) on delete cascade,
    constraint purchases_amount_ck check (amount > 0),
    constraint purchases_status_ck check (status in ('NEW', 'PAID', 'SHIPPED', 'CANCELLED'))
);
