// Kept run results in blocks (src/graph/run-results.ts): the block of a customer in a run is found
// by an index seek on (runId, firstId <= id), then lastId >= id.
CREATE INDEX run_results_block_range IF NOT EXISTS FOR (n:RunResultsBlock) ON (n.runId, n.firstId);
CREATE INDEX run_results_run IF NOT EXISTS FOR (n:RunResults) ON (n.runId);
