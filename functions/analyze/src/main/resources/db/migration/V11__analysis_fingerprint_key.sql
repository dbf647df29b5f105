-- analyze's installation secret for secret fingerprints (HMAC-SHA256), generated once when
-- sluice.analyze.fingerprint-key is not set, so fingerprints (and analysis.allow entries naming them) survive restarts.
create table analysis_fingerprint_key (
    id integer primary key check (id = 1),
    secret varchar(128) not null,
    created_at timestamp with time zone not null
);
