-- Schema change (issue 21), step 1 of 3, "add": each user's language, a BCP 47 tag (RFC 5646
-- advises room for 35 characters). NOT NULL with a default, so existing rows and inserts that do
-- not name the column keep working: the usual way to add a column to a live table.
alter table users add column locale varchar(35) not null default 'en';
