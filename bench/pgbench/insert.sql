-- The physical limit: one single-row INSERT per transaction into a narrow table, autocommit.
-- bench/run.sh points search_path at the run's own schema (PGOPTIONS), where the table lives.
INSERT INTO pgbench_insert (n) VALUES (1);
