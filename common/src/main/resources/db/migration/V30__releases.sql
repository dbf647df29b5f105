-- The release ledger of deploy: one row per deployment of a run attempt to an environment.
create table releases (
    id varchar(300) primary key,
    environment varchar(255) not null,
    number integer not null,
    namespace varchar(255) not null,
    run_id uuid not null,
    attempt integer not null,
    sha varchar(64) not null,
    repository_url varchar(2000) not null,
    strategy varchar(32),
    mode varchar(16) not null,
    outcome varchar(16) not null,
    reason varchar(4000),
    objects text not null,
    plan text not null,
    created_at timestamp with time zone not null,
    finished_at timestamp with time zone,
    -- a concurrent second release of the same number or of the same run attempt is refused, then retried
    constraint releases_number unique (environment, number),
    constraint releases_run_attempt unique (run_id, attempt)
);
create index releases_environment_created on releases (environment, created_at);
