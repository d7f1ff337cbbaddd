import { randomUUID } from 'node:crypto';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AuditLog } from '@platform/audit';
import { ProblemError } from '@platform/contracts';
import type { Logger } from '@platform/observability';
import {
  REBUILDABLE_PROJECTIONS,
  type ProjectionRebuilder,
  type ProjectionVersions,
  type RebuildableProjection,
} from '@platform/read-models';
import type { TenantDirectory } from '@platform/tenancy';
import type { Operator } from '../parking/parked-aggregates';
import { rebuildsTotal, showProgress } from './rebuild-metrics';
import { progressOf, type RebuildProgress } from './rebuild-progress';

/** A rebuild asked for by an operator or by a deploy, as the operator route shows it. */
export interface RebuildJob {
  readonly id: string;
  readonly projection: string;
  readonly version: number;
  /** The one tenant rebuilt, or null for every tenant. */
  readonly tenantId: string | null;
  readonly state: 'running' | 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly tenants: { readonly done: number; readonly total: number };
  readonly progress: RebuildProgress;
  /** The longest time a tenant's live writes waited for a switch, in ms. */
  readonly longestSwitchMs: number;
  readonly error: string | null;
}

/** Jobs kept for the operator route after they end. */
const KEPT_JOBS = 50;

/**
 * Runs projection rebuilds (ADR 0033) in the background, one at a time per projection, tenant after
 * tenant, with their progress in the route and in the gauges; at start, rebuilds the tenants whose
 * model an older version of a projection built. A job lives in this instance's memory: its route
 * answers on the instance that runs it.
 */
export class RebuildJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly jobs = new Map<string, RebuildJob>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly rebuilder: ProjectionRebuilder,
    private readonly versions: ProjectionVersions,
    private readonly directory: TenantDirectory,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
  ) {}

  /** Starts a rebuild of one tenant's model, or of every tenant's; 409 while one of it runs. */
  async start(projectionName: string, tenantId: string | undefined, operator: Operator): Promise<RebuildJob> {
    const projection = REBUILDABLE_PROJECTIONS.get(projectionName);
    if (!projection) throw new ProblemError('notFound', `no projection ${projectionName}`);
    const tenants = tenantId === undefined ? this.liveTenants() : [tenantId];
    for (const id of tenants) {
      if (!this.directory.byTenantId(id)) throw new ProblemError('notFound', `no tenant ${id}`);
    }
    if (this.running.has(projection.name)) {
      throw new ProblemError('conflict', `a rebuild of ${projection.name} is running`);
    }
    const jobId = randomUUID();
    for (const id of tenants) {
      await this.audit.append({
        tenantId: id,
        actor: operator.actor,
        action: 'projection.rebuild',
        target: `projections/${projection.name}`,
        previousState: null,
        newState: {
          job: jobId,
          version: projection.version,
          scope: tenantId === undefined ? 'all' : 'tenant',
        },
        requestId: operator.requestId,
        correlationId: operator.correlationId,
      });
    }
    const job = this.begin(projection, tenantId ?? null, tenants.length, jobId);
    this.run(projection, job, tenants);
    return job;
  }

  get(id: string): RebuildJob {
    const job = this.jobs.get(id);
    if (!job) throw new ProblemError('notFound', `no rebuild ${id}`);
    return job;
  }

  list(): RebuildJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** Rebuilds the tenants whose model was built by an older version of a projection (a deploy). */
  async onApplicationBootstrap(): Promise<void> {
    await this.versions.migrate();
    for (const projection of REBUILDABLE_PROJECTIONS.values()) {
      const behind = await this.versions.behind(this.liveTenants(), projection.name, projection.version);
      if (behind.length === 0 || this.running.has(projection.name)) continue;
      this.logger.info(
        { projection: projection.name, version: projection.version, tenants: behind.length },
        'rebuilding the read models an older projection version built',
      );
      this.run(projection, this.begin(projection, null, behind.length), behind);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.running.values());
  }

  private liveTenants(): string[] {
    return this.directory
      .all()
      .filter((tenant) => tenant.status !== 'deleted' && tenant.status !== 'draft')
      .map((tenant) => tenant.tenantId)
      .sort();
  }

  private begin(
    projection: RebuildableProjection,
    tenantId: string | null,
    tenants: number,
    id: string = randomUUID(),
  ): RebuildJob {
    if (this.running.has(projection.name)) {
      throw new ProblemError('conflict', `a rebuild of ${projection.name} is running`);
    }
    const job: RebuildJob = {
      id,
      projection: projection.name,
      version: projection.version,
      tenantId,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      tenants: { done: 0, total: tenants },
      progress: progressOf(0, 0, 0),
      longestSwitchMs: 0,
      error: null,
    };
    this.jobs.set(job.id, job);
    while (this.jobs.size > KEPT_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
    this.running.set(projection.name, Promise.resolve());
    return job;
  }

  private run(projection: RebuildableProjection, first: RebuildJob, tenants: readonly string[]): void {
    const update = (change: Partial<RebuildJob>): void => {
      const job = { ...(this.jobs.get(first.id) ?? first), ...change };
      this.jobs.set(first.id, job);
      showProgress(projection.name, job.progress, job.state === 'running');
    };
    const work = (async () => {
      const started = performance.now();
      let total = 0;
      for (const tenantId of tenants) total += await this.rebuilder.count(projection, tenantId);
      let done = 0;
      let longestSwitchMs = 0;
      update({ progress: progressOf(0, total, 0) });
      for (const [index, tenantId] of tenants.entries()) {
        if (this.stopping.signal.aborted) throw new Error('the service is stopping');
        const isolation = this.directory.byTenantId(tenantId)?.isolation;
        if (isolation === undefined) throw new Error(`tenant ${tenantId} is not known`);
        const result = await this.rebuilder.rebuildTenant(
          projection,
          tenantId,
          isolation,
          (count) => {
            done += count;
            update({ progress: progressOf(done, total, performance.now() - started) });
          },
          this.stopping.signal,
        );
        longestSwitchMs = Math.max(longestSwitchMs, Math.round(result.switchMs));
        update({ tenants: { done: index + 1, total: tenants.length }, longestSwitchMs });
      }
    })();
    const ended = work.then(
      () => {
        update({ state: 'succeeded', finishedAt: new Date().toISOString() });
        rebuildsTotal.inc({ projection: projection.name, outcome: 'succeeded' });
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        update({ state: 'failed', finishedAt: new Date().toISOString(), error: message });
        rebuildsTotal.inc({ projection: projection.name, outcome: 'failed' });
        this.logger.error({ projection: projection.name, job: first.id, err: error }, 'rebuild failed');
      },
    );
    this.running.set(
      projection.name,
      ended.finally(() => this.running.delete(projection.name)),
    );
  }
}
