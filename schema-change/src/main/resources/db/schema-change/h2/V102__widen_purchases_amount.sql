-- Schema change (issue 21), step 3 of 3, "widen": purchases.amount from numeric(9, 2) to
-- numeric(12, 2), room for bulk orders. The database goes first; the domain's limit
-- (1,000,000.00) is raised later, on its own.
alter table purchases alter column amount set data type numeric(12, 2);
