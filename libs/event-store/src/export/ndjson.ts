/**
 * Newline-delimited JSON, lazily: one line (`JSON.stringify(item) + '\n'`) per item, produced when
 * the consumer asks for it, so an export of millions of events never sits in memory.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 *
 * await pipeline(Readable.from(toNdjson(store.exportTenant(tenantId))), reply.raw);
 * ```
 */
export async function* toNdjson(items: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<string> {
  for await (const item of items) {
    const line: string | undefined = JSON.stringify(item);
    if (line === undefined) throw new TypeError('toNdjson: an item is not JSON-serialisable');
    yield `${line}\n`;
  }
}
