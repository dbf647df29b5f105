-- deploy's canary analysis by metrics (canary.analysis in .sluice.yaml): the readings of each step, how many checks
-- failed in the current one, whether its latest reading held, or why nothing is analysed (no Prometheus), JSON
alter table releases add column analysis text;
