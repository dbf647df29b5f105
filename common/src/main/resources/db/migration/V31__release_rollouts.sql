-- Releases that roll out against a cluster: in progress until verified, rolled back or failed; rollbacks
-- restored through the API are releases of their own. deploy writes these rows, route reads them.
alter table releases alter column run_id drop not null;
-- null while a rollout is in progress
alter table releases alter column outcome drop not null;
-- DEPLOY: a run's release; ROLLBACK: a restore of an earlier release (dev.sluice.environment.rollback)
alter table releases add column kind varchar(16) not null default 'DEPLOY';
alter table releases add column restores varchar(300);
alter table releases add column requested_by varchar(500);
-- the last verified release when this one started: what a failure rolls back to
alter table releases add column previous_id varchar(300);
-- the rollout settings the release follows (strategy, canary steps and interval, probe, restarts, prune), JSON
alter table releases add column settings text;
alter table releases add column step integer not null default 0;
alter table releases add column traffic_percent integer not null default 0;
alter table releases add column health varchar(4000);
alter table releases add column last_step_at timestamp with time zone;
-- JSON: every traffic step with its time and health reading; the revisions named for the release; what was pruned
alter table releases add column steps text;
alter table releases add column revisions text;
alter table releases add column pruned text;
alter table releases add column verified_at timestamp with time zone;
alter table releases add column rolled_back_at timestamp with time zone;
create index releases_environment_sha on releases (environment, sha, number);
create index releases_in_progress on releases (environment) where outcome is null;
