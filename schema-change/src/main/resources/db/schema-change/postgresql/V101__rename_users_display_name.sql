-- Schema change (issue 21), step 2 of 3, "rename": display_name becomes full_name, the name the
-- product has used for a while. A plain rename, in one step: every reader must change with it.
alter table users rename column display_name to full_name;
