/**
 * Group commit for the projection (ADR 0015): the events handed over for a tenant while that
 * tenant's last write is in flight go together into its next one, so the batches of several
 * partitions fetched at once make one transaction per tenant rather than one each. An order's
 * events all come from one partition, whose batches come one after the other: merging batches of
 * different partitions keeps every order's events in order. A failed write fails every batch that
 * was merged into it; each is then retried on its own (callers bypass the grouping on a retry, so a
 * poison event cannot take other partitions' events down with it).
 */
export class GroupedApply<E> {
  private readonly pending = new Map<string, { events: E[]; waiters: Waiter[] }>();
  private readonly writing = new Set<string>();

  constructor(private readonly write: (tenantId: string, events: readonly E[]) => Promise<void>) {}

  /** Resolves once `events` are written, with whatever else of the tenant joined them. */
  apply(tenantId: string, events: readonly E[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let group = this.pending.get(tenantId);
      if (!group) {
        group = { events: [], waiters: [] };
        this.pending.set(tenantId, group);
      }
      group.events.push(...events);
      group.waiters.push({ resolve, reject });
      if (this.writing.has(tenantId)) return;
      this.writing.add(tenantId);
      // what is handed over in this turn of the event loop joins the first write
      setImmediate(() => void this.drain(tenantId));
    });
  }

  private async drain(tenantId: string): Promise<void> {
    for (let group = this.take(tenantId); group; group = this.take(tenantId)) {
      try {
        await this.write(tenantId, group.events);
        for (const waiter of group.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of group.waiters) waiter.reject(error);
      }
    }
    this.writing.delete(tenantId);
  }

  private take(tenantId: string): { events: E[]; waiters: Waiter[] } | undefined {
    const group = this.pending.get(tenantId);
    this.pending.delete(tenantId);
    return group;
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}
