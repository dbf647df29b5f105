-- Environments belong to a project: the one .sluice.yaml names, else the repository's own (dev.sluice.settings.Projects).
-- Existing rows get the repository's project, derived from the URL with the same rules as Projects.ofRepository
-- (the function stays, so that deploy's ProjectEnvironmentsTest can prove the two agree).
create function sluice_project_of(url text) returns text language sql immutable as $$
    select coalesce(nullif(
        regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(regexp_replace(regexp_replace(btrim(url), '^file://', ''),
                '^[A-Za-z][A-Za-z0-9+.-]*://([^/@]*@)?([^/:]+)(:[0-9]*)?', '\2'),
                '^[^/@:]+@([^/:]+):', '\1/'),
            '/+$', ''), '\.git$', ''), '/+$', ''), ''), btrim(url))
$$;

alter table releases add column project varchar(2000);
update releases set project = sluice_project_of(repository_url);
alter table releases alter column project set not null;
-- whether the release's environment said its namespace may be shared with other projects
alter table releases add column shared boolean not null default false;
create index releases_project_environment on releases (project, environment, number);
-- which projects deployed to a namespace: a namespace belongs to one project unless every project there shares it
create index releases_namespace on releases (namespace, project, created_at);

alter table runs add column project varchar(2000);
update runs set project = sluice_project_of(repository_url) where environment is not null;
create index runs_project_environment on runs (project, environment, state);
