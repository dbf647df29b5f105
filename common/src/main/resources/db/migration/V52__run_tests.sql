-- The test gate (issue 16): what the repository's own tests said for the run's latest attempt, as route last heard it
-- (tests.progressed, then tests.completed: outcome, exit code, counts, durations, the first failures), JSON
alter table runs add column tests_summary text;
