/** The label value of every tenant that has no label of its own. */
export const OTHER_TENANTS = 'other';

export interface TenantLabelOptions {
  /** Tenants labelled by traffic, at most (`METRICS_TENANT_LABELS_TOP`, default 20; 0: none). */
  readonly top: number;
  /** Tenants always labelled, whatever their traffic (`METRICS_TENANT_LABELS`, tenant ids). */
  readonly optIn?: readonly string[];
  /** Observations between two re-rankings of the top tenants; default 1,000. */
  readonly rankEvery?: number;
}

interface Tally {
  /** Observations, halved at each ranking so that recent traffic counts most. */
  count: number;
  label: string;
}

/**
 * The `tenant` label of a metric, with bounded cardinality: a tenant's own id for the opt-in
 * tenants and for the `top` tenants by recent traffic, {@link OTHER_TENANTS} for every other one.
 * The top tenants are ranked again every `rankEvery` observations (counts halve at each ranking, so
 * a tenant whose traffic stops drops out); a tenant that drops out is folded into `other` from then
 * on. At most `2 × top` tenants are ever labelled by traffic in one process, so a metric never has
 * more than `optIn + 2 × top + 1` tenant values however the ranking churns (the series a tenant had
 * stay in the registry, as counters must).
 *
 * `label` is the hot path: one map lookup and an increment, no allocation after a tenant's first
 * observation.
 *
 * @example
 * const labels = new TenantLabels({ top: 20, optIn: ['0b6f…'] });
 * requests.inc({ tenant: labels.label(tenantId), outcome: 'ok' });
 */
export class TenantLabels {
  private readonly tallies = new Map<string, Tally>();
  private readonly optIn: ReadonlySet<string>;
  private readonly rankEvery: number;
  /** Tenants labelled by traffic so far (never shrinks: it bounds the label values). */
  private readonly everRanked = new Set<string>();
  private sinceRanking = 0;
  /** Tenants labelled by traffic now. */
  private ranked = 0;

  constructor(private readonly options: TenantLabelOptions) {
    if (!Number.isInteger(options.top) || options.top < 0)
      throw new RangeError('top must be an integer >= 0');
    this.optIn = new Set(options.optIn ?? []);
    this.rankEvery = options.rankEvery ?? 1_000;
  }

  /** Counts one observation of `tenantId` and returns its label value. */
  label(tenantId: string): string {
    let tally = this.tallies.get(tenantId);
    if (tally === undefined) {
      tally = { count: 0, label: this.firstLabel(tenantId) };
      this.tallies.set(tenantId, tally);
    }
    tally.count += 1;
    if (++this.sinceRanking >= this.rankEvery) this.rank();
    return tally.label;
  }

  /** While the top has room (a young process, few tenants), a new tenant is labelled at once. */
  private firstLabel(tenantId: string): string {
    if (this.optIn.has(tenantId)) return tenantId;
    if (this.ranked >= this.options.top || this.everRanked.size >= 2 * this.options.top) return OTHER_TENANTS;
    this.ranked += 1;
    this.everRanked.add(tenantId);
    return tenantId;
  }

  /** The label of `tenantId` without counting it (e.g. for a gauge read at scrape time). */
  peek(tenantId: string): string {
    return this.tallies.get(tenantId)?.label ?? (this.optIn.has(tenantId) ? tenantId : OTHER_TENANTS);
  }

  /** The tenants that currently have a label of their own. */
  labelled(): string[] {
    return [...this.tallies].filter(([, t]) => t.label !== OTHER_TENANTS).map(([id]) => id);
  }

  /** Re-ranks now (done by `label` every `rankEvery` observations). */
  rank(): void {
    this.sinceRanking = 0;
    const candidates = [...this.tallies].filter(([id]) => !this.optIn.has(id));
    // most traffic first; ties by id so that a ranking is the same on every run
    candidates.sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : 1));
    const cap = 2 * this.options.top;
    const top = new Set<string>();
    for (const [id, tally] of candidates) {
      if (top.size >= this.options.top || tally.count === 0) break;
      if (this.everRanked.has(id) || this.everRanked.size < cap) top.add(id);
    }
    for (const id of top) this.everRanked.add(id);
    this.ranked = top.size;
    for (const [id, tally] of candidates) {
      tally.label = top.has(id) ? id : OTHER_TENANTS;
      tally.count /= 2;
      // a tenant seen once long ago need not be remembered: keeps the map at the active tenants
      if (tally.count < 0.5 && !top.has(id)) this.tallies.delete(id);
    }
  }
}

let shared = new TenantLabels({ top: 20 });

/**
 * The process's tenant labels, used by every tenant-labelled metric. `serviceMain` configures it
 * from `METRICS_TENANT_LABELS_TOP` and `METRICS_TENANT_LABELS` before the service is built.
 */
export function tenantLabels(): TenantLabels {
  return shared;
}

/** Replaces the process's tenant labels (at start, from the configuration). */
export function configureTenantLabels(options: TenantLabelOptions): void {
  shared = new TenantLabels(options);
}

/** The tenant label of `tenantId` (counted as traffic), or `none` when there is no tenant. */
export function tenantLabel(tenantId: string | undefined): string {
  return tenantId === undefined ? 'none' : shared.label(tenantId);
}
