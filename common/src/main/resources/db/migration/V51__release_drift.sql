-- Drift: how the live objects of an environment's current verified release differ from what it applied (object,
-- field paths, when first seen), when that was last checked, and each self-heal (selfHeal: true), JSON
alter table releases add column drift text;
alter table releases add column drift_checked_at timestamp with time zone;
alter table releases add column heals text;
