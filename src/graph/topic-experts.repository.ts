/**
 * What the topic-experts ranking needs from Neo4j: whether a topic exists, and every customer who
 * posted about it with each post's engagement count (ENGAGED relationships it received).
 */
import type { TopicContentSource, TopicPost } from '../domain/topic-experts.service.js';
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const TOPIC_EXISTS = `MATCH (t:Topic {id: $topic}) RETURN count(t) > 0 AS found`;
const POSTS = `
MATCH (c:Customer)-[:POSTED]->(ct:Content)-[:ABOUT]->(:Topic {id: $topic})
CALL (ct) {
  OPTIONAL MATCH (:Customer)-[e:ENGAGED]->(ct)
  RETURN count(e) AS engagements
}
WITH c, ct, engagements ORDER BY ct.createdAt DESC
RETURN c.id AS id, collect({id: ct.id, kind: ct.kind, createdAt: ct.createdAt, engagements: engagements}) AS posts`;

export class Neo4jTopicExpertsRepository implements TopicContentSource {
  constructor(private readonly db: GraphDatabase) {}

  async topicExists(topic: string): Promise<boolean> {
    const r = await this.db.read((tx) => tx.run(TOPIC_EXISTS, { topic }));
    return r.records[0]?.get('found') === true;
  }

  async postsAbout(topic: string): Promise<Map<string, TopicPost[]>> {
    const out = new Map<string, TopicPost[]>();
    await this.db.stream(POSTS, { topic }, (r) => {
      out.set(r.id as string, (plain(r.posts) as TopicPost[]).map((p) => ({ id: p.id, kind: p.kind ?? null, createdAt: p.createdAt ?? null, engagements: Number(p.engagements) })));
    });
    return out;
  }
}
