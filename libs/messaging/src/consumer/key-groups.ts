/**
 * Messages of one batch grouped by key, in offset order within each group. Groups may be handled
 * concurrently; a group's messages are handled one after another, which keeps per-aggregate order.
 */
export function groupByKey<M extends { readonly key: string }>(messages: readonly M[]): M[][] {
  const groups = new Map<string, M[]>();
  for (const message of messages) {
    const group = groups.get(message.key);
    if (group) group.push(message);
    else groups.set(message.key, [message]);
  }
  return [...groups.values()];
}

/**
 * The highest offset that may be committed: the last of the unbroken run of finished messages
 * from the start of the batch. Anything after a gap is redelivered (at least once).
 */
export function committableOffset(
  offsetsInOrder: readonly string[],
  finished: ReadonlySet<string>,
): string | undefined {
  let last: string | undefined;
  for (const offset of offsetsInOrder) {
    if (!finished.has(offset)) break;
    last = offset;
  }
  return last;
}

/** Runs `work` over `items` with at most `limit` in progress at once. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
