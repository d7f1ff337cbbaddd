import type { Checkpoint, GlobalEvent } from '../event-store.port';
import type { CheckedAllFilter } from '../global-log/all-filter';
import type { GlobalLogBatch, GlobalLogSource } from '../global-log/polling-subscription';
import type { UpcasterRegistry } from '../upcasting/upcaster-registry';
import { LOG_START, compareCheckpoints, encodeCheckpoint, parseCheckpoint } from './checkpoint';
import {
  type BatchRow,
  type GlobalEventRow,
  type HeadRow,
  headStatement,
  readAllStatement,
} from './global-log.statements';
import { toRecordedEvent } from './row-mapping';
import type { SqlExecutor } from './sql-executor';

/** Larger than any global position (bigint). */
const BEYOND_ANY_POSITION = (2n ** 63n - 1n).toString();

/** The global log of one PostgreSQL store, seen through a filter. */
export class PostgresGlobalLog implements GlobalLogSource {
  constructor(
    private readonly executor: SqlExecutor,
    private readonly schema: string,
    private readonly filter: CheckedAllFilter,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  /**
   * Events below the oldest running transaction, after `after`. When the batch is not full, the read
   * covered everything below that transaction: `readUpTo` is just before it. `heldBack`: matching
   * events after `after` are committed at or above that transaction (they become readable when it ends).
   */
  async readBatch(after: Checkpoint | undefined, limit: number): Promise<GlobalLogBatch> {
    const from = after === undefined ? LOG_START : parseCheckpoint(after);
    const statement = readAllStatement(this.schema, this.filter, from, limit);
    const { rows } = await this.executor.query<BatchRow>(statement, this.filter.tenantId);
    const events = rows.filter(isEventRow).map((row) => this.upcasters.upcast(toGlobalEvent(row)));
    const readableBelow = rows[0]?.readable_below;
    const heldBack = rows[0]?.held_back;
    const readUpTo =
      events.length < limit && readableBelow !== undefined
        ? encodeCheckpoint({
            transactionId: (BigInt(readableBelow) - 1n).toString(),
            globalPosition: BEYOND_ANY_POSITION,
          })
        : events.at(-1)?.checkpoint;
    return { events, readUpTo, ...(heldBack !== undefined && { heldBack }) };
  }

  async readHead(): Promise<Checkpoint | undefined> {
    const statement = headStatement(this.schema, this.filter);
    const [head] = (await this.executor.query<HeadRow>(statement, this.filter.tenantId)).rows;
    return head === undefined
      ? undefined
      : encodeCheckpoint({ transactionId: head.transaction_id, globalPosition: head.global_position });
  }

  compare(a: Checkpoint, b: Checkpoint): number {
    return compareCheckpoints(a, b);
  }
}

const isEventRow = (row: BatchRow): row is BatchRow & GlobalEventRow => row.event_id !== null;

export function toGlobalEvent(row: GlobalEventRow): GlobalEvent {
  return {
    ...toRecordedEvent(row),
    checkpoint: encodeCheckpoint({
      transactionId: row.transaction_id,
      globalPosition: String(row.global_position),
    }),
  };
}
