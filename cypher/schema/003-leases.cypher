// Singleton coordination nodes: the analytics run lease and the community id sequence. Their
// names are unique so that concurrent MERGEs from several processes meet on one node.
CREATE CONSTRAINT lease_name IF NOT EXISTS FOR (n:Lease) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (n:Sequence) REQUIRE n.name IS UNIQUE;
