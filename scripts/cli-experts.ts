/** `influence-graph experts --topic T`: the customers ranked as experts on a topic, printed and optionally written as CSV. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { TopicExpertsPage } from '../src/domain/topic-experts.service.js';
import { fail, withDirectServices } from './cli-common.js';

export const EXPERTS_USAGE = 'usage: influence-graph experts --topic ID [--limit N] [--community C] [--segment S] [--region R] [--out experts.csv] [--api URL --key KEY]';

export async function runExpertsCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      topic: { type: 'string' },
      limit: { type: 'string' },
      community: { type: 'string' },
      segment: { type: 'string' },
      region: { type: 'string' },
      out: { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(EXPERTS_USAGE);
    return;
  }
  const topic = values.topic ?? fail(EXPERTS_USAGE);
  const limit = Number(values.limit ?? 20);
  const filter = { community: values.community === undefined ? undefined : Number(values.community), segment: values.segment, region: values.region };
  let page: TopicExpertsPage;
  let csv: string | undefined;
  if (values.api) {
    const base = `${values.api.replace(/\/$/, '')}/v1/topics/${encodeURIComponent(topic)}/experts`;
    const headers = { authorization: `Bearer ${values.key ?? process.env.INFLUENCE_GRAPH_KEY ?? fail('--api needs --key')}` };
    const qs = new URLSearchParams({ limit: String(Math.min(limit, 500)) });
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) qs.set(k, String(v));
    const res = await fetch(`${base}?${qs}`, { headers });
    if (res.status !== 200) fail(`The API refused (${res.status}): ${await res.text()}`);
    page = (await res.json()) as TopicExpertsPage;
    if (values.out) {
      qs.set('format', 'csv');
      qs.set('limit', String(limit));
      csv = await (await fetch(`${base}?${qs}`, { headers })).text();
    }
  } else {
    [page, csv] = await withDirectServices(async (services) => {
      const p = await services.topicExperts.list(topic, { ...filter, limit: Math.min(limit, 500) });
      if (!values.out) return [p, undefined] as const;
      let text = '';
      for await (const chunk of services.topicExperts.csv(topic, { ...filter, limit })) text += chunk;
      return [p, text] as const;
    });
  }
  console.log(`experts on ${page.topic} (run ${page.runId}, ${page.creators} creators):`);
  for (const e of page.items) console.log(`  ${String(e.rank).padStart(3)}. ${e.id.padEnd(14)} ${String(e.score).padStart(8)}  ${e.explanation}`);
  if (values.out && csv !== undefined) {
    writeFileSync(values.out, csv);
    console.log(`written to ${values.out}`);
  }
}
