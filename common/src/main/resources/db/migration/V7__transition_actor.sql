-- Who made each transition happen: the authenticated principal of an API call, the function of a stage result,
-- or "route" for route's own decisions. Rows written before this column existed have none.
alter table run_transitions add column actor varchar(500);
