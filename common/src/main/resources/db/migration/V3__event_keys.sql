-- The key of the event proofs (EventProof, HMAC-SHA256), generated once when sluice.events.keys is not set, so that
-- every function sharing this database signs and verifies with the same key.
create table event_keys (
    id integer primary key check (id = 1),
    secret varchar(128) not null,
    created_at timestamp with time zone not null
);
