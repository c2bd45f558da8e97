// The privacy log (src/graph/privacy-log.ts): one counter node, events numbered without gaps or repeats.
CREATE CONSTRAINT privacy_log_id IF NOT EXISTS FOR (n:PrivacyLog) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT privacy_event_seq IF NOT EXISTS FOR (n:PrivacyEvent) REQUIRE n.seq IS UNIQUE;
