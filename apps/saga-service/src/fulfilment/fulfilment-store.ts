import type { Pool, PoolClient } from 'pg';
import {
  initialFulfilment,
  react,
  type FulfilmentInput,
  type FulfilmentState,
  type ReactContext,
} from '@platform/fulfilment-domain';
import { inTransaction, migrateUnderLock } from '@platform/postgres-kit';
import { commandIdOf } from './command-id';
import { routingOf } from './outbox-command';
import { startsFulfilment } from './saga-input';
import { assertSchemaName, sagaSchemaDdl } from './saga-schema.sql';

/** One input for one order's saga, with the metadata its commands inherit. */
export interface SagaStep {
  readonly tenantId: string;
  readonly orderId: string;
  /** The input's `ce_id` (or a fired deadline's id): handled once per tenant. */
  readonly inputId: string;
  readonly input: FulfilmentInput;
  /** The correlation of a new fulfilment (an existing one keeps its own). */
  readonly correlationId: string;
  /** The trace the step runs in: its commands' producer spans are children of it. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** A deadline step: only if this timer is still due and unclaimed (`FOR UPDATE SKIP LOCKED`). */
  readonly firedTimer?: { readonly now: string };
}

export type StepOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'no-saga' }
  | { readonly kind: 'timer-gone' }
  | {
      readonly kind: 'applied';
      readonly before: FulfilmentState['status'];
      readonly after: FulfilmentState;
      readonly commands: number;
      readonly deadline: string | null | undefined;
    };

/** A command waiting in (or re-read from) the outbox. */
export interface OutboxRow {
  readonly id: string;
  readonly commandId: string;
  readonly tenantId: string;
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  readonly data: unknown;
  readonly dataSchemaVersion: number;
  readonly correlationId: string;
  readonly causationId: string;
  readonly traceparent: string | null;
  readonly tracestate: string | null;
  readonly createdAt: Date;
}

export interface DueTimer {
  readonly tenantId: string;
  readonly orderId: string;
  readonly dueAt: string;
}

export interface FulfilmentRecord {
  readonly state: FulfilmentState;
  readonly version: number;
  readonly correlationId: string;
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

/**
 * The saga's PostgreSQL storage (ADR 0020): each step is one transaction that records the input's
 * id, locks and advances the order's saga, writes the commands it issued to the outbox and sets or
 * clears its deadline. Every statement names the tenant.
 */
export class FulfilmentStore {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = assertSchemaName(schema);
  }

  get schema(): string {
    return this.s;
  }

  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, `saga-schema:${this.s}`, sagaSchemaDdl(this.s));
  }

  /** Runs one step of one order's saga in one transaction (see the class). */
  step(step: SagaStep, context: ReactContext): Promise<StepOutcome> {
    return inTransaction(this.pool, (client) => this.stepWithin(client, step, context));
  }

  private async stepWithin(client: PoolClient, step: SagaStep, context: ReactContext): Promise<StepOutcome> {
    const { tenantId, orderId } = step;
    // The saga row's lock serializes every step of one order, across instances and partitions.
    let record = await this.lockFulfilment(client, tenantId, orderId);
    if (record === undefined) {
      if (!startsFulfilment(step.input)) return { kind: 'no-saga' };
      await client.query(
        `insert into ${this.s}.fulfilments (tenant_id, order_id, state, version, correlation_id)
         values ($1, $2, $3, 0, $4) on conflict do nothing`,
        [tenantId, orderId, JSON.stringify(initialFulfilment()), step.correlationId],
      );
      record = await this.lockFulfilment(client, tenantId, orderId);
      if (record === undefined) throw new Error('fulfilment row vanished under its lock');
    }
    if (step.firedTimer) {
      const claimed = await client.query(
        `delete from ${this.s}.timers
          where (tenant_id, order_id) = (
            select tenant_id, order_id from ${this.s}.timers
             where tenant_id = $1 and order_id = $2 and due_at <= $3
             for update skip locked)`,
        [tenantId, orderId, step.firedTimer.now],
      );
      if (claimed.rowCount === 0) return { kind: 'timer-gone' };
    }
    const fresh = await client.query(
      `insert into ${this.s}.processed_inputs (tenant_id, input_id, order_id) values ($1, $2, $3)
       on conflict do nothing`,
      [tenantId, step.inputId, orderId],
    );
    if (fresh.rowCount === 0) return { kind: 'duplicate' };

    const reaction = react(record.state, step.input, context);
    await client.query(
      `update ${this.s}.fulfilments
          set state = $3, version = version + 1, updated_at = now(),
              traceparent = coalesce($4, traceparent), tracestate = case when $4::text is null then tracestate else $5 end
        where tenant_id = $1 and order_id = $2`,
      [tenantId, orderId, JSON.stringify(reaction.state), step.traceparent ?? null, step.tracestate ?? null],
    );
    if (reaction.commands.length > 0) {
      const rows = reaction.commands.map((command, index) => {
        const routing = routingOf(command);
        return {
          command_id: commandIdOf(tenantId, step.inputId, index),
          type: routing.type,
          topic: routing.topic,
          key: routing.key,
          data: command.data,
          data_schema_version: routing.dataSchemaVersion,
        };
      });
      await client.query(
        `insert into ${this.s}.outbox (command_id, tenant_id, order_id, type, topic, key, data,
                                       data_schema_version, correlation_id, causation_id, traceparent, tracestate)
         select r.command_id, $1, $2, r.type, r.topic, r.key, r.data, r.data_schema_version, $4, $5, $6, $7
           from rows from (jsonb_to_recordset($3::jsonb)
                  as (command_id uuid, type text, topic text, key text, data jsonb, data_schema_version integer))
                with ordinality as r(command_id, type, topic, key, data, data_schema_version, n)
          order by r.n`,
        [
          tenantId,
          orderId,
          JSON.stringify(rows),
          record.correlationId,
          step.inputId,
          step.traceparent ?? record.traceparent,
          step.traceparent !== undefined ? (step.tracestate ?? null) : record.tracestate,
        ],
      );
    }
    if (reaction.deadline === null) {
      await client.query(`delete from ${this.s}.timers where tenant_id = $1 and order_id = $2`, [
        tenantId,
        orderId,
      ]);
    } else if (reaction.deadline !== undefined) {
      await client.query(
        `insert into ${this.s}.timers (tenant_id, order_id, due_at) values ($1, $2, $3)
         on conflict (tenant_id, order_id) do update set due_at = excluded.due_at`,
        [tenantId, orderId, reaction.deadline.at],
      );
    }
    return {
      kind: 'applied',
      before: record.state.status,
      after: reaction.state,
      commands: reaction.commands.length,
      deadline: reaction.deadline === undefined ? undefined : (reaction.deadline?.at ?? null),
    };
  }

  private async lockFulfilment(
    client: PoolClient,
    tenantId: string,
    orderId: string,
  ): Promise<FulfilmentRecord | undefined> {
    const { rows } = await client.query<{
      state: FulfilmentState;
      version: number;
      correlation_id: string;
      traceparent: string | null;
      tracestate: string | null;
    }>(
      `select state, version, correlation_id, traceparent, tracestate from ${this.s}.fulfilments
        where tenant_id = $1 and order_id = $2 for update`,
      [tenantId, orderId],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : {
          state: row.state,
          version: row.version,
          correlationId: row.correlation_id,
          traceparent: row.traceparent,
          tracestate: row.tracestate,
        };
  }

  /** One tenant's saga of one order, if any (never another tenant's). */
  async fulfilment(tenantId: string, orderId: string): Promise<FulfilmentRecord | undefined> {
    const { rows } = await this.pool.query<{
      state: FulfilmentState;
      version: number;
      correlation_id: string;
      traceparent: string | null;
      tracestate: string | null;
    }>(
      `select state, version, correlation_id, traceparent, tracestate from ${this.s}.fulfilments
        where tenant_id = $1 and order_id = $2`,
      [tenantId, orderId],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : {
          state: row.state,
          version: row.version,
          correlationId: row.correlation_id,
          traceparent: row.traceparent,
          tracestate: row.tracestate,
        };
  }

  /** The oldest unsent commands, in the order they were issued. */
  async unsent(limit: number): Promise<OutboxRow[]> {
    const { rows } = await this.pool.query<{
      id: string;
      command_id: string;
      tenant_id: string;
      type: string;
      topic: string;
      key: string;
      data: unknown;
      data_schema_version: number;
      correlation_id: string;
      causation_id: string;
      traceparent: string | null;
      tracestate: string | null;
      created_at: Date;
    }>(
      `select id::text, command_id, tenant_id, type, topic, key, data, data_schema_version, correlation_id,
              causation_id, traceparent, tracestate, created_at
         from ${this.s}.outbox where sent_at is null order by id limit $1`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      commandId: row.command_id,
      tenantId: row.tenant_id,
      type: row.type,
      topic: row.topic,
      key: row.key,
      data: row.data,
      dataSchemaVersion: row.data_schema_version,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      traceparent: row.traceparent,
      tracestate: row.tracestate,
      createdAt: row.created_at,
    }));
  }

  /** Marks rows sent: only once Kafka acknowledged them. */
  async markSent(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(`update ${this.s}.outbox set sent_at = now() where id = any($1::bigint[])`, [ids]);
  }

  /** Deletes sent commands and processed inputs older than `retentionMs`. */
  async prune(retentionMs: number): Promise<void> {
    const before = new Date(Date.now() - retentionMs).toISOString();
    await this.pool.query(`delete from ${this.s}.outbox where sent_at < $1`, [before]);
    await this.pool.query(`delete from ${this.s}.processed_inputs where processed_at < $1`, [before]);
  }

  /** Timers due at `now`, earliest first (candidates: each is claimed in its own step). */
  async dueTimers(now: string, limit: number): Promise<DueTimer[]> {
    const { rows } = await this.pool.query<{ tenant_id: string; order_id: string; due_at: Date }>(
      `select tenant_id, order_id, due_at from ${this.s}.timers where due_at <= $1 order by due_at limit $2`,
      [now, limit],
    );
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      orderId: row.order_id,
      dueAt: row.due_at.toISOString(),
    }));
  }

  /** Sagas with a deadline set (waiting on a step), and those whose deadline is past. */
  async deadlineCounts(): Promise<{ inFlight: number; overdue: number }> {
    const { rows } = await this.pool.query<{ in_flight: string; overdue: string }>(
      `select count(*) as in_flight, count(*) filter (where due_at < now()) as overdue from ${this.s}.timers`,
    );
    return { inFlight: Number(rows[0]?.in_flight ?? 0), overdue: Number(rows[0]?.overdue ?? 0) };
  }

  /** The earliest due time of any timer, or undefined when none is set. */
  async nextDueAt(): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ due_at: Date | null }>(
      `select min(due_at) as due_at from ${this.s}.timers`,
    );
    return rows[0]?.due_at ?? undefined;
  }

  /** Removes everything of a deleted tenant: sagas, outbox, timers, processed inputs. */
  async purgeTenant(tenantId: string): Promise<Record<string, number>> {
    return inTransaction(this.pool, async (client) => {
      const counts: Record<string, number> = {};
      for (const table of ['timers', 'outbox', 'processed_inputs', 'fulfilments']) {
        const result = await client.query(`delete from ${this.s}.${table} where tenant_id = $1`, [tenantId]);
        counts[table] = result.rowCount ?? 0;
      }
      return counts;
    });
  }

  /** Readiness: the database answers. */
  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }
}
