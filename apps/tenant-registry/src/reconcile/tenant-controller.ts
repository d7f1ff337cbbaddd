import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { setConditions, type ConditionUpdate } from '../registry/conditions';
import { attemptFailed, attemptStarted, phaseOf } from './attempt-conditions';
import type { ReconcileState } from '../registry/tenant-record';
import { CONTROLLER_ACTOR, type Caller } from '../tenants/caller';
import type { LoadedTenant } from '../tenants/tenant-stream';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
import { provisionStep } from './provision-step';
import { purgeStep } from './purge-step';
import type { ReconcileDeps } from './reconcile-deps';
import { reconcileAttempts, reconcileSeconds, type ReconcilePhase } from './reconcile-metrics';
import { withTenantLock } from './tenant-lock';

export interface TenantControllerOptions {
  /** How often it looks for work when not kicked; ms. */
  readonly intervalMs: number;
  /** Tenants worked on at once. */
  readonly concurrency?: number;
  /**
   * Connections that hold the per-tenant advisory locks while the work runs on the database's
   * pool; default that pool. Give it `concurrency` connections of its own so that a small pool
   * cannot be exhausted by locks waiting for work that waits for a connection.
   */
  readonly lockPool?: Pool;
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
  /**
   * While storage owners are pending, how long until the controller looks again by itself (an
   * owner's report makes it look at once); ms, default 5 s.
   */
  readonly ownerCheckMs?: number;
}

/** `waiting`: the step waits for storage owners to report (ADR 0031). */
export type ReconcileResult = 'done' | 'waiting' | 'nothing-to-do' | 'busy' | 'failed';

/**
 * The control plane's reconcile loop (a controller in the Kubernetes sense, not an HTTP one). It
 * drives each tenant toward what its record asks for: a draft is provisioned and activated; an
 * archived tenant whose deletion was requested is purged and recorded as deleted. Each service that
 * owns per-tenant storage provisions and purges its own and reports; the controller waits for
 * every owner's report and shows who is pending in `conditions` (ADR 0031). It runs every
 * `intervalMs` and right after each change ({@link kick}); it is idempotent (running twice, or
 * after a crash half-way, ends in the same place), and several registry instances may run it:
 * a per-tenant advisory lock keeps them off the same tenant. A failed attempt is retried with
 * exponential backoff and full jitter, and shows in the tenant's `conditions` and in metrics.
 */
export class TenantController {
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly options: TenantControllerOptions,
  ) {
    this.concurrency = options.concurrency ?? 3;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops after the attempts in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Looks for work now rather than at the next interval (after a change). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** One pass: every tenant with work due, `concurrency` at a time. */
  async reconcileOnce(): Promise<void> {
    const due = await this.deps.db.tenants.dueForWork(50);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let item = due[next++]; item !== undefined; item = due[next++])
        await this.reconcileTenant(item.id);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
  }

  /** Works on one tenant now (whatever its retry schedule), unless another instance is on it. */
  async reconcileTenant(tenantId: string): Promise<ReconcileResult> {
    const locks = this.options.lockPool ?? this.deps.db.pool;
    const locked = await withTenantLock(locks, tenantId, () => this.work(tenantId));
    return locked.acquired ? locked.result : 'busy';
  }

  private async work(tenantId: string): Promise<ReconcileResult> {
    const loaded = await this.deps.commands.load(tenantId);
    const bookkeeping = await this.deps.db.tenants.reconcileState(tenantId);
    if (!bookkeeping) return 'nothing-to-do';
    const phase = phaseOf(loaded.state.status, bookkeeping);
    if (phase === undefined) return 'nothing-to-do';
    const attempt = bookkeeping.reconcileAttempts + 1;
    const caller = this.callerFor(loaded, bookkeeping, phase);
    const stopTimer = reconcileSeconds.startTimer({ phase });
    const started = performance.now();
    try {
      await this.markInProgress(tenantId, phase, attempt);
      const change =
        phase === 'provision' && loaded.state.status === 'draft'
          ? await provisionStep(this.deps, loaded.state, attempt, caller)
          : loaded.state.status === 'archived'
            ? await purgeStep(this.deps, loaded.state, bookkeeping.purgeReport, caller, attempt)
            : undefined;
      if (change !== undefined && 'waiting' in change) {
        await this.scheduleCheck(tenantId, change.waiting);
        this.deps.logger.info(
          { tenantId, phase, attempt },
          `tenant controller: ${phase} waits for storage owners`,
        );
        return 'waiting';
      }
      if (change === undefined) {
        // Deleted already (a crash after the deletion was recorded): finish the bookkeeping.
        await this.deps.db.tenants.completeDeletion(
          this.deps.db.pool,
          tenantId,
          this.deps.now().toISOString(),
        );
      } else if (!change.ok) {
        // Someone else moved the tenant on meanwhile (e.g. another instance): nothing left to do here.
        this.deps.logger.info(
          { tenantId, phase, refusal: change.refusal },
          'tenant controller: step refused',
        );
      }
      reconcileAttempts.inc({ phase, outcome: 'succeeded' });
      this.deps.logger.info(
        { tenantId, phase, attempt, ms: Math.round(performance.now() - started) },
        `tenant controller: ${phase} done`,
      );
      return 'done';
    } catch (error) {
      reconcileAttempts.inc({ phase, outcome: 'failed' });
      await this.recordFailure(tenantId, phase, attempt, error);
      return 'failed';
    } finally {
      stopTimer();
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        await this.reconcileOnce();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'tenant controller pass failed');
      }
      if (this.running && !this.kicked) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.intervalMs);
      this.wake = done;
    });
  }

  private async markInProgress(tenantId: string, phase: ReconcilePhase, attempt: number): Promise<void> {
    const current = (await this.deps.db.tenants.find(tenantId))?.conditions ?? [];
    const now = this.deps.now().toISOString();
    await this.deps.db.tenants.setConditions(
      tenantId,
      setConditions(current, [attemptStarted(phase, attempt)], now),
    );
  }

  /** Shows who is pending and looks again later (an owner's report makes it look sooner). */
  private async scheduleCheck(tenantId: string, updates: readonly ConditionUpdate[]): Promise<void> {
    const now = this.deps.now();
    const current = (await this.deps.db.tenants.find(tenantId))?.conditions ?? [];
    await this.deps.db.tenants.scheduleCheck(
      tenantId,
      new Date(now.getTime() + (this.options.ownerCheckMs ?? 5_000)),
      setConditions(current, updates, now.toISOString()),
    );
  }

  private async recordFailure(
    tenantId: string,
    phase: ReconcilePhase,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const delayMs = retryDelayMs(attempt, this.retry, this.random);
    this.deps.logger.warn(
      { tenantId, phase, attempt, delayMs, err: error },
      'tenant controller attempt failed; retrying',
    );
    try {
      const now = this.deps.now();
      const current = (await this.deps.db.tenants.find(tenantId))?.conditions ?? [];
      await this.deps.db.tenants.scheduleRetry(
        tenantId,
        attempt,
        new Date(now.getTime() + delayMs),
        setConditions(current, attemptFailed(phase, attempt, message, delayMs), now.toISOString()),
      );
    } catch (recordError) {
      this.deps.logger.error({ tenantId, err: recordError }, 'tenant controller could not record a failure');
    }
  }

  /** The controller acts in the conversation of the change that gave it work. */
  private callerFor(loaded: LoadedTenant, bookkeeping: ReconcileState, phase: ReconcilePhase): Caller {
    const requestId = this.deps.newId();
    const origin = phase === 'delete' ? bookkeeping.deletionRequestedBy : undefined;
    return {
      actor: CONTROLLER_ACTOR,
      requestId,
      correlationId: origin?.correlationId ?? loaded.last?.correlationId ?? requestId,
      causationId: loaded.last?.eventId ?? requestId,
    };
  }
}
