import type { Pool, PoolClient } from 'pg';
import { inTransaction, migrateUnderLock } from '@platform/postgres-kit';
import { SEEN_POSITIONS_SCHEMA } from '../seen-positions';

/** Why a message is parked: it failed its attempts, or it waits behind one that did. */
export type ParkedReason = 'failed' | 'behind';

/** What a message must say about itself to be parked and, later, handled again. */
export interface MessageToPark {
  readonly tenantId: string;
  /** The Kafka key: the aggregate id. With the tenant, what "same aggregate" means. */
  readonly aggregateId: string;
  /** `ce_id`. */
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The CloudEvents attributes as decoded, to hand the message to the projection again. */
  readonly attributes: unknown;
  /** The value as parsed JSON. */
  readonly value: unknown;
}

/** A parked message as stored. */
export interface ParkedMessage extends MessageToPark {
  /** Order of arrival: an aggregate's messages are handled again in this order. */
  readonly seq: number;
  readonly reason: ParkedReason;
  /** The last error (of the message that failed; null for those behind it). */
  readonly error: string | null;
  readonly attempts: number;
  readonly parkedAt: string;
}

/** One parked aggregate: how many messages wait, and the first (the one that failed). */
export interface ParkedAggregate {
  readonly tenantId: string;
  readonly aggregateId: string;
  readonly topic: string;
  readonly events: number;
  readonly first: ParkedMessage;
}

/** Which of a batch's aggregates are parked and which of its messages already are. */
export interface ParkedLookup {
  /** `aggregateKey(tenantId, aggregateId)` of the parked ones. */
  readonly aggregates: ReadonlySet<string>;
  /** `eventKey(tenantId, ce_id)` of the batch's messages that are parked already (a redelivery). */
  readonly eventIds: ReadonlySet<string>;
}

/** Per topic, for the metric. */
export interface ParkedCounts {
  readonly topic: string;
  readonly aggregates: number;
  readonly events: number;
}

/** An aggregate of a tenant as one string: tenant id (lower case) and the key. */
export const aggregateKey = (tenantId: string, aggregateId: string): string =>
  `${tenantId.toLowerCase()}/${aggregateId}`;

/** A message of a tenant as one string: tenant id and `ce_id`, lower case. */
export const eventKey = (tenantId: string, eventId: string): string =>
  `${tenantId.toLowerCase()}/${eventId.toLowerCase()}`;

const TABLE = 'parked_events';

interface ParkedRow {
  seq: string;
  tenant_id: string;
  aggregate_id: string;
  event_id: string;
  type: string;
  topic: string;
  partition: number;
  kafka_offset: string;
  attributes: unknown;
  value: unknown;
  reason: ParkedReason;
  error: string | null;
  attempts: number;
  parked_at: Date;
}

/**
 * Parked messages of the projection (issue 9): a message that failed its attempts parks its
 * aggregate (same tenant and key), and every later message of that aggregate is parked behind it
 * instead of being applied, until an operator replays or skips them. One table in the main
 * read-model database (the service's own, next to the seen positions), whatever the tenant's
 * isolation mode; every statement names the tenant.
 *
 * An aggregate is parked while it has a row here. Changes to one aggregate's rows (parking behind,
 * replay, skip) run under a transaction-scoped advisory lock on it, so a replay and a message
 * arriving meanwhile cannot interleave: the message is either parked before the replay reads the
 * rows, or applied after the replay has emptied them.
 *
 * @example
 * const parked = new ParkedEvents(pool);
 * await parked.migrate();
 * const { aggregates } = await parked.lookup(batch);       // one statement per batch
 * await parked.parkFailed(message, 'invalid data', 1);     // the first: the aggregate is parked
 * await parked.withAggregate(tenantId, orderId, async (locked) => { ... }); // replay or skip
 */
export class ParkedEvents {
  private readonly table: string;

  constructor(
    readonly pool: Pool,
    private readonly schema: string = SEEN_POSITIONS_SCHEMA,
  ) {
    this.table = `"${schema}".${TABLE}`;
  }

  /** Creates the table if missing. Idempotent; safe from several processes at once. */
  async migrate(): Promise<void> {
    // the schema's lock, the one SeenPositions.migrate takes: both create the schema, and two
    // concurrent `CREATE SCHEMA IF NOT EXISTS` on a fresh database collide (a cold start lost the
    // projection service to it: duplicate key in pg_namespace_nspname_index)
    await migrateUnderLock(
      this.pool,
      `read-models:${this.schema}`,
      `CREATE SCHEMA IF NOT EXISTS "${this.schema}";
       CREATE TABLE IF NOT EXISTS ${this.table} (
         seq bigserial NOT NULL,
         tenant_id uuid NOT NULL,
         aggregate_id text NOT NULL,
         event_id uuid NOT NULL,
         type text NOT NULL,
         topic text NOT NULL,
         partition int NOT NULL,
         kafka_offset bigint NOT NULL,
         attributes jsonb NOT NULL,
         value jsonb,
         reason text NOT NULL CHECK (reason IN ('failed', 'behind')),
         error text,
         attempts int NOT NULL DEFAULT 0,
         parked_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, event_id)
       );
       CREATE INDEX IF NOT EXISTS parked_events_aggregate_idx
         ON ${this.table} (tenant_id, aggregate_id, seq);`,
    );
  }

  /**
   * Which aggregates of these messages are parked, and which of the messages are parked already:
   * one statement for a whole batch, whatever its tenants.
   */
  async lookup(
    messages: readonly Pick<MessageToPark, 'tenantId' | 'aggregateId' | 'eventId'>[],
  ): Promise<ParkedLookup> {
    if (messages.length === 0) return { aggregates: new Set(), eventIds: new Set() };
    const { rows } = await this.pool.query<{ tenant_id: string; aggregate_id: string; ids: string[] }>(
      `SELECT p.tenant_id, p.aggregate_id,
              coalesce(array_agg(p.event_id::text) FILTER (WHERE p.event_id = ANY($3::uuid[])), '{}') AS ids
         FROM ${this.table} p
        WHERE (p.tenant_id, p.aggregate_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
        GROUP BY p.tenant_id, p.aggregate_id`,
      [messages.map((m) => m.tenantId), messages.map((m) => m.aggregateId), messages.map((m) => m.eventId)],
    );
    return {
      aggregates: new Set(rows.map((row) => aggregateKey(row.tenant_id, row.aggregate_id))),
      eventIds: new Set(rows.flatMap((row) => row.ids.map((id) => eventKey(row.tenant_id, id)))),
    };
  }

  /**
   * Parks a message that failed its attempts: its aggregate is parked from now on. A message
   * parked already (a redelivery) stays as it is.
   */
  async parkFailed(message: MessageToPark, error: string, attempts: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await lockAggregates(client, [message]);
      await insertParked(client, this.table, [message], 'failed', error, attempts);
    });
  }

  /**
   * Parks messages behind their parked aggregates, in order. Returns the {@link eventKey}s of those
   * whose aggregate is no longer parked (a replay emptied it meanwhile): apply them instead.
   */
  async parkBehind(messages: readonly MessageToPark[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    return inTransaction(this.pool, async (client) => {
      await lockAggregates(client, messages);
      const { aggregates } = await this.lookupWith(client, messages);
      const still = messages.filter((m) => aggregates.has(aggregateKey(m.tenantId, m.aggregateId)));
      await insertParked(client, this.table, still, 'behind', null, 0);
      return new Set(
        messages
          .filter((m) => !aggregates.has(aggregateKey(m.tenantId, m.aggregateId)))
          .map((m) => eventKey(m.tenantId, m.eventId)),
      );
    });
  }

  /** Parked aggregates, oldest first; of one tenant when `tenantId` is given. */
  async list(options: { tenantId?: string; limit: number }): Promise<ParkedAggregate[]> {
    const { rows } = await this.pool.query<ParkedRow & { events: string }>(
      `SELECT DISTINCT ON (tenant_id, aggregate_id) *, count(*) OVER (PARTITION BY tenant_id, aggregate_id) AS events
         FROM ${this.table}
        WHERE $1::uuid IS NULL OR tenant_id = $1::uuid
        ORDER BY tenant_id, aggregate_id, seq`,
      [options.tenantId ?? null],
    );
    return rows
      .map((row) => ({
        tenantId: row.tenant_id,
        aggregateId: row.aggregate_id,
        topic: row.topic,
        events: Number(row.events),
        first: parkedOf(row),
      }))
      .sort((a, b) => a.first.seq - b.first.seq)
      .slice(0, options.limit);
  }

  /** The parked messages of one aggregate, in the order they are to be handled (none: not parked). */
  async show(tenantId: string, aggregateId: string): Promise<ParkedMessage[]> {
    const { rows } = await this.pool.query<ParkedRow>(
      `SELECT * FROM ${this.table} WHERE tenant_id = $1 AND aggregate_id = $2 ORDER BY seq`,
      [tenantId, aggregateId],
    );
    return rows.map(parkedOf);
  }

  /**
   * Runs `work` on one aggregate's parked messages with the aggregate locked (no message of it is
   * parked meanwhile) in one transaction: what `work` removes is unparked, what it records stays,
   * and anything else written on `locked.client` (an audit record) commits with it.
   */
  async withAggregate<T>(
    tenantId: string,
    aggregateId: string,
    work: (locked: LockedAggregate) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await lockAggregates(client, [{ tenantId, aggregateId }]);
      const { rows } = await client.query<ParkedRow>(
        `SELECT * FROM ${this.table} WHERE tenant_id = $1 AND aggregate_id = $2 ORDER BY seq`,
        [tenantId, aggregateId],
      );
      return work({
        client,
        messages: rows.map(parkedOf),
        remove: async (eventIds) => {
          if (eventIds.length === 0) return;
          await client.query(
            `DELETE FROM ${this.table} WHERE tenant_id = $1 AND event_id = ANY($2::uuid[])`,
            [tenantId, eventIds],
          );
        },
        recordFailure: async (eventId, error) => {
          await client.query(
            `UPDATE ${this.table} SET reason = 'failed', error = $3, attempts = attempts + 1
              WHERE tenant_id = $1 AND event_id = $2`,
            [tenantId, eventId, error.slice(0, 2_000)],
          );
        },
      });
    });
  }

  /** Whether any message of these topics is parked (whatever its tenant). */
  async anyParked(topics: readonly string[]): Promise<boolean> {
    const { rows } = await this.pool.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.table} WHERE topic = ANY($1::text[])) AS any`,
      [topics],
    );
    return rows[0]?.any === true;
  }

  /** Parked aggregates and messages per topic. */
  async counts(): Promise<ParkedCounts[]> {
    const { rows } = await this.pool.query<{ topic: string; aggregates: string; events: string }>(
      `SELECT topic, count(DISTINCT (tenant_id, aggregate_id)) AS aggregates, count(*) AS events
         FROM ${this.table} GROUP BY topic`,
    );
    return rows.map((row) => ({
      topic: row.topic,
      aggregates: Number(row.aggregates),
      events: Number(row.events),
    }));
  }

  /** Forgets a deleted tenant's parked messages; returns how many. */
  async purgeTenant(tenantId: string): Promise<number> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE tenant_id = $1`, [tenantId]);
    return result.rowCount ?? 0;
  }

  private async lookupWith(
    client: PoolClient,
    messages: readonly MessageToPark[],
  ): Promise<{ aggregates: Set<string> }> {
    const { rows } = await client.query<{ tenant_id: string; aggregate_id: string }>(
      `SELECT DISTINCT tenant_id, aggregate_id FROM ${this.table}
        WHERE (tenant_id, aggregate_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
      [messages.map((m) => m.tenantId), messages.map((m) => m.aggregateId)],
    );
    return { aggregates: new Set(rows.map((row) => aggregateKey(row.tenant_id, row.aggregate_id))) };
  }
}

/** One aggregate's parked messages, locked for the length of a {@link ParkedEvents.withAggregate}. */
export interface LockedAggregate {
  /** The transaction's connection (for an audit record that commits with the change). */
  readonly client: PoolClient;
  /** In the order they are to be handled. */
  readonly messages: readonly ParkedMessage[];
  /** Unparks these messages. */
  readonly remove: (eventIds: readonly string[]) => Promise<void>;
  /** Keeps the message parked with a new error (it failed again), one attempt more. */
  readonly recordFailure: (eventId: string, error: string) => Promise<void>;
}

/** Transaction-scoped locks on aggregates, taken in one order (no deadlock between two takers). */
async function lockAggregates(
  client: PoolClient,
  aggregates: readonly Pick<MessageToPark, 'tenantId' | 'aggregateId'>[],
): Promise<void> {
  const keys = [...new Set(aggregates.map((a) => aggregateKey(a.tenantId, a.aggregateId)))].sort();
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('parked:' || key, 0))
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n`,
    [keys],
  );
}

async function insertParked(
  client: PoolClient,
  table: string,
  messages: readonly MessageToPark[],
  reason: ParkedReason,
  error: string | null,
  attempts: number,
): Promise<void> {
  if (messages.length === 0) return;
  // one row at a time in input order, so that `seq` follows it
  await client.query(
    `INSERT INTO ${table} (tenant_id, aggregate_id, event_id, type, topic, partition, kafka_offset,
                           attributes, value, reason, error, attempts)
     SELECT m.tenant_id, m.aggregate_id, m.event_id, m.type, m.topic, m.partition, m.kafka_offset,
            m.attributes, m.value, $10, $11, $12
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::bigint[],
                   $8::jsonb[], $9::jsonb[]) WITH ORDINALITY
            AS m(tenant_id, aggregate_id, event_id, type, topic, partition, kafka_offset, attributes, value, n)
      ORDER BY m.n
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [
      messages.map((m) => m.tenantId),
      messages.map((m) => m.aggregateId),
      messages.map((m) => m.eventId),
      messages.map((m) => m.type),
      messages.map((m) => m.topic),
      messages.map((m) => m.partition),
      messages.map((m) => m.offset),
      messages.map((m) => JSON.stringify(m.attributes)),
      messages.map((m) => JSON.stringify(m.value ?? null)),
      reason,
      error === null ? null : error.slice(0, 2_000),
      attempts,
    ],
  );
}

function parkedOf(row: ParkedRow): ParkedMessage {
  return {
    seq: Number(row.seq),
    tenantId: row.tenant_id,
    aggregateId: row.aggregate_id,
    eventId: row.event_id,
    type: row.type,
    topic: row.topic,
    partition: row.partition,
    offset: String(row.kafka_offset),
    attributes: row.attributes,
    value: row.value,
    reason: row.reason,
    error: row.error,
    attempts: row.attempts,
    parkedAt: row.parked_at.toISOString(),
  };
}
