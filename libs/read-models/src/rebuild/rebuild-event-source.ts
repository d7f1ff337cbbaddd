import type { Pool } from 'pg';
import type { Checkpoint, EventStore } from '@platform/event-store';
import type { RebuildEvent } from './rebuildable-projection';

/** A page of a tenant's events in the store's global log order, and where the next page starts. */
export interface RebuildPage {
  readonly events: readonly RebuildEvent[];
  /** The checkpoint after the page's last event; the `after` given when the page is empty. */
  readonly last: Checkpoint | undefined;
}

/**
 * Where a rebuild reads a tenant's events: the event store, not Kafka (ADR 0033).
 *
 * @example
 * const source = new EventStoreRebuildSource(store, pool);
 * let page = await source.read(tenantId, ['OrderCreated'], undefined, 5_000);
 * page = await source.read(tenantId, ['OrderCreated'], page.last, 5_000);
 */
export interface RebuildEventSource {
  /** How many of the tenant's events have these types now (the progress's total). */
  count(tenantId: string, types: readonly string[]): Promise<number>;
  /** Up to `limit` events committed now after `after`, in global log order (ADR 0005). */
  read(
    tenantId: string,
    types: readonly string[],
    after: Checkpoint | undefined,
    limit: number,
  ): Promise<RebuildPage>;
}

/**
 * {@link RebuildEventSource} over the event store's `readAll` (the gap-free log order of ADR 0005),
 * counting with one statement on the store's `events` table. Give the store a `readBatchSize` as
 * large as the pages asked for, so a page is one query.
 */
export class EventStoreRebuildSource implements RebuildEventSource {
  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly pool: Pool,
    private readonly schema = 'event_store',
  ) {}

  async count(tenantId: string, types: readonly string[]): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${this.schema}".events WHERE tenant_id = $1 AND event_type = ANY($2)`,
      [tenantId, types],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async read(
    tenantId: string,
    types: readonly string[],
    after: Checkpoint | undefined,
    limit: number,
  ): Promise<RebuildPage> {
    const events: RebuildEvent[] = [];
    let last = after;
    const read = this.store.readAll({
      tenantId,
      types,
      maxCount: limit,
      ...(after !== undefined && { from: after }),
    });
    for await (const event of read) {
      events.push({
        eventId: event.eventId,
        type: event.type,
        data: event.data,
        occurredAt: event.metadata.occurredAt,
        version: event.streamVersion,
        position: event.globalPosition,
      });
      last = event.checkpoint;
    }
    return { events, last };
  }
}
