/** content.ndjson: the content plan of the world, as rows. */
import { customerIds, idWidth, makeId } from './ids.js';
import { iso } from './time.js';
import type { ContentRow } from './types.js';
import { progressTicker, round3, type RowProgress } from './util.js';
import { CONTENT_KIND_NAMES, NO_TOPIC, type World } from './world.js';

export function contentIdFormatter(w: World): (index: number) => string {
  const width = idWidth(w.content.count + 1, 6);
  return (index) => makeId('ct', index + 1, width);
}

export function* contentRows(w: World, onProgress?: RowProgress): Generator<ContentRow> {
  const plan = w.content;
  const cid = customerIds(w);
  const id = contentIdFormatter(w);
  const { brands, products, topics } = w.catalog;
  const tick = progressTicker(plan.count, onProgress);
  for (let q = 0; q < plan.count; q++) {
    const topicIds: string[] = [];
    for (let t = 0; t < 3; t++) {
      const topic = plan.topics[3 * q + t];
      if (topic !== NO_TOPIC) topicIds.push(topics[topic].id);
    }
    const row: ContentRow = {
      id: id(q),
      authorId: cid[plan.author[q]],
      kind: CONTENT_KIND_NAMES[plan.kind[q]],
      createdAt: iso(plan.at[q]),
      sentiment: round3(plan.sentiment[q]),
      topicIds,
    };
    if (plan.brand[q] >= 0) row.brandId = brands[plan.brand[q]].id;
    if (plan.product[q] >= 0) row.productId = products[plan.product[q]].id;
    yield row;
    tick(q + 1);
  }
}
