/** External ids of generated entities: a prefix and a zero-padded index, fixed width per kind. */

export function idWidth(count: number, minimum: number): number {
  return Math.max(minimum, String(Math.max(0, count - 1)).length);
}

export function makeId(prefix: string, index: number, width: number): string {
  return prefix + String(index).padStart(width, '0');
}

/**
 * Customer ids `c000000`…: at least six digits, and one width for the whole dataset, so that
 * string order equals index order (KNOWS ties are written with `from < to` in both).
 */
export function customerIdFormatter(customers: number): (index: number) => string {
  const width = idWidth(customers, 6);
  return (index) => makeId('c', index, width);
}

const idCache = new WeakMap<object, string[]>();

/** All customer ids of a world, built once and kept as long as the world is. */
export function customerIds(world: { n: number }): readonly string[] {
  let ids = idCache.get(world);
  if (!ids) {
    const id = customerIdFormatter(world.n);
    ids = Array.from({ length: world.n }, (_, i) => id(i));
    idCache.set(world, ids);
  }
  return ids;
}

/** Ids of rows whose number is only known once generated: width from a generous bound. */
export function eventIdFormatter(prefix: string, customers: number, perCustomerBound: number): (index: number) => string {
  const width = idWidth(customers * perCustomerBound, 7);
  return (index) => makeId(prefix, index + 1, width);
}
