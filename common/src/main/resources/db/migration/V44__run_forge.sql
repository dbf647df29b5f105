-- Which forge sent a run's push (github, gitlab, gitea, bitbucket; null for curl and other senders): route reports the
-- run's state back there as a commit status (issue 14). Older runs have none and are not reported.
alter table runs add column forge varchar(32);
