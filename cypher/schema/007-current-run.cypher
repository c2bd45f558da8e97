// The current analytics run (src/graph/analytics-run.repository.ts): one pointer node, moved by the
// small transaction that makes a run current; the Cypher library reads scores of that run only.
CREATE CONSTRAINT current_run_name IF NOT EXISTS FOR (n:CurrentRun) REQUIRE n.name IS UNIQUE;
