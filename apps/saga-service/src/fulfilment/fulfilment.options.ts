export const FULFILMENT_OPTIONS = Symbol('FULFILMENT_OPTIONS');

export interface FulfilmentModuleOptions {
  readonly connectionString: string;
  readonly poolSize: number;
  /** PostgreSQL schema of the saga's tables (`SAGA_SCHEMA`, default `saga`). */
  readonly schema: string;
  readonly topicPrefix: string;
  /** Partitions of the events topics the saga creates if missing. */
  readonly partitions: number;
  /** `SAGA_STEP_TIMEOUT_MS`: how long a step waits for its answer before it is compensated. */
  readonly stepTimeoutMs: number;
  /** Whether this instance campaigns to relay the outbox (default true; false only in tests). */
  readonly relay?: boolean;
  /** The timer loop's longest sleep, ms (default 1000). */
  readonly timerMaxSleepMs?: number;
}
