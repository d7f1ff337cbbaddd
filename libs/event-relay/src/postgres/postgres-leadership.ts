import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from '@platform/observability';
import { LeadershipLostError, type LeadershipLease, type RelayLeadership } from '../leadership.port';

export interface PostgresLeadershipConfig {
  readonly connectionString: string;
  /** How often a follower tries the lock; default 1000 ms. */
  readonly retryIntervalMs?: number;
  /** How often the leader checks, on the lock's connection, that it still holds it; default 1000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** A check unanswered for this long counts as leadership lost; default 3000 ms. */
  readonly heartbeatTimeoutMs?: number;
  /**
   * The server ends a lock session idle for this long (`idle_session_timeout`), releasing the lock
   * of a leader that vanished without closing its connection (a network partition); default 10 s.
   * Keep it above `heartbeatIntervalMs + heartbeatTimeoutMs`, so the old leader gives up first.
   */
  readonly idleSessionTimeoutMs?: number;
  /** Where failed attempts to reach PostgreSQL are reported (they are retried). */
  readonly logger?: Logger;
}

/** First key of every relay lock (the two-key form, apart from single-key advisory locks): "RELY". */
const LOCK_NAMESPACE = 0x52454c59;

/**
 * {@link RelayLeadership} by a PostgreSQL session-level advisory lock
 * (`pg_try_advisory_lock(<namespace>, hashtext(name))`), taken and held on a dedicated connection:
 * when the leader's process dies its session ends and the server releases the lock; a follower,
 * trying every second, takes over. The leader checks its lock every second on that connection; a
 * failed or unanswered check, or the connection's failure, ends the lease (`lost`), and the relay
 * stops publishing before the server lets anyone else take the lock (`idle_session_timeout`).
 *
 * Connect directly to PostgreSQL (or through a session-mode pooler): a transaction-mode pooler does
 * not keep session locks.
 *
 * @example
 * ```ts
 * const leadership = new PostgresRelayLeadership({ connectionString: process.env.DATABASE_URL! });
 * const lease = await leadership.acquire('postgres->kafka:', stopping.signal);
 * ```
 */
export class PostgresRelayLeadership implements RelayLeadership {
  private readonly retryIntervalMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly idleSessionTimeoutMs: number;

  constructor(private readonly config: PostgresLeadershipConfig) {
    this.retryIntervalMs = config.retryIntervalMs ?? 1_000;
    this.heartbeatIntervalMs = config.heartbeatIntervalMs ?? 1_000;
    this.heartbeatTimeoutMs = config.heartbeatTimeoutMs ?? 3_000;
    this.idleSessionTimeoutMs = config.idleSessionTimeoutMs ?? 10_000;
    if (this.idleSessionTimeoutMs <= this.heartbeatIntervalMs + this.heartbeatTimeoutMs) {
      throw new RangeError('idleSessionTimeoutMs must exceed heartbeatIntervalMs + heartbeatTimeoutMs');
    }
  }

  async acquire(name: string, signal: AbortSignal): Promise<LeadershipLease> {
    for (;;) {
      signal.throwIfAborted();
      let client: Client | undefined;
      try {
        client = await this.connect();
        for (;;) {
          const { rows } = await client.query<{ locked: boolean }>(
            'select pg_try_advisory_lock($1, hashtext($2)) as locked',
            [LOCK_NAMESPACE, name],
          );
          if (rows[0]?.locked === true) {
            const lease = new PostgresLease(client, name, this.heartbeatIntervalMs);
            if (signal.aborted) {
              await lease.release();
              signal.throwIfAborted();
            }
            return lease;
          }
          await sleep(this.retryIntervalMs, undefined, { signal });
        }
      } catch (error) {
        await client?.end().catch(() => undefined);
        signal.throwIfAborted();
        // the database is unreachable or the connection broke: try again on a new connection
        this.config.logger?.warn({ err: error }, 'leadership: cannot reach PostgreSQL; retrying');
        await sleep(this.retryIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.config.connectionString,
      application_name: 'event-relay-leadership',
      keepAlive: true,
      connectionTimeoutMillis: this.heartbeatTimeoutMs,
      query_timeout: this.heartbeatTimeoutMs,
    });
    // without a listener, a connection error would crash the process; the lease watches it
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`set idle_session_timeout = ${Math.round(this.idleSessionTimeoutMs)}`);
    return client;
  }
}

class PostgresLease implements LeadershipLease {
  private readonly ending = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly client: Client,
    private readonly name: string,
    heartbeatIntervalMs: number,
  ) {
    client.on('error', (error) =>
      this.lose(new LeadershipLostError('the lock connection failed', { cause: error })),
    );
    client.on('end', () => this.lose(new LeadershipLostError('the lock connection ended')));
    this.heartbeat = setInterval(() => void this.confirm().catch(() => undefined), heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  get lost(): AbortSignal {
    return this.ending.signal;
  }

  async confirm(): Promise<void> {
    this.lost.throwIfAborted();
    let held: boolean;
    try {
      const { rows } = await this.client.query<{ held: boolean }>(
        `select exists (
           select 1 from pg_locks
            where locktype = 'advisory' and pid = pg_backend_pid() and granted
              and classid = $1::int::oid and objid = hashtext($2)::oid and objsubid = 2
         ) as held`,
        [LOCK_NAMESPACE, this.name],
      );
      held = rows[0]?.held === true;
    } catch (error) {
      this.lose(new LeadershipLostError('the lock could not be checked', { cause: error }));
      throw this.lost.reason;
    }
    if (!held) {
      this.lose(new LeadershipLostError('the lock is no longer held'));
      throw this.lost.reason;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.heartbeat);
    if (!this.lost.aborted) {
      this.ending.abort(new LeadershipLostError('leadership released'));
      await this.client
        .query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, this.name])
        .catch(() => undefined);
    }
    await this.client.end().catch(() => undefined);
  }

  private lose(reason: LeadershipLostError): void {
    if (this.lost.aborted) return;
    clearInterval(this.heartbeat);
    this.ending.abort(reason);
    // a session we cannot vouch for must not keep the lock: end it (the server releases the lock)
    void this.client.end().catch(() => undefined);
  }
}
