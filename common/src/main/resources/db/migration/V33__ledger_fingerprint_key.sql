-- The key of deploy's ledger fingerprints (HMAC-SHA256 of Secret values and flagged env literals), generated once
-- unless sluice.deploy.fingerprint-key is set, so a value's fingerprint stays the same across releases and restarts.
create table ledger_fingerprint_key (
    id integer primary key check (id = 1),
    secret varchar(128) not null,
    created_at timestamp with time zone not null
);
