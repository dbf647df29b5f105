-- A retry is a new run of the same push (a final run never changes): it names the run it retries.
alter table runs add column retry_of uuid references runs (id);
create index runs_retry_of on runs (retry_of);
