// Lookup indexes for filters and event ids. Applied at each start (idempotent).
CREATE INDEX customer_segment IF NOT EXISTS FOR (n:Customer) ON (n.segment);
CREATE INDEX customer_region IF NOT EXISTS FOR (n:Customer) ON (n.region);
CREATE INDEX customer_community IF NOT EXISTS FOR (n:Customer) ON (n.community);
CREATE INDEX customer_influence IF NOT EXISTS FOR (n:Customer) ON (n.influence);
// The event ids are required by the event writes (src/graph/ingest.repository.ts), which look an
// event up with a hinted seek on them so that their plan does not change as the data grows.
CREATE INDEX interacted_id IF NOT EXISTS FOR ()-[r:INTERACTED]-() ON (r.id);
CREATE INDEX engaged_id IF NOT EXISTS FOR ()-[r:ENGAGED]-() ON (r.id);
CREATE INDEX rated_id IF NOT EXISTS FOR ()-[r:RATED]-() ON (r.id);
