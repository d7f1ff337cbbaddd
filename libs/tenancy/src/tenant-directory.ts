import type { TenantSnapshot } from '@platform/contracts';

/**
 * This process's local view of every tenant, fed from `tenants.lifecycle`. Lookups are map reads:
 * nothing on the request path goes to the network to learn a tenant's status.
 */
export class TenantDirectory {
  private readonly byId = new Map<string, TenantSnapshot>();
  private readonly bySlug = new Map<string, TenantSnapshot>();

  /** Applies a snapshot unless an equal or newer version is already known (redelivery-safe). */
  apply(snapshot: TenantSnapshot): void {
    const known = this.byId.get(snapshot.tenantId);
    if (known && known.version >= snapshot.version) return;
    this.byId.set(snapshot.tenantId, snapshot);
    this.bySlug.set(snapshot.slug, snapshot);
  }

  byTenantId(tenantId: string): TenantSnapshot | undefined {
    return this.byId.get(tenantId);
  }

  byTenantSlug(slug: string): TenantSnapshot | undefined {
    return this.bySlug.get(slug);
  }

  /**
   * The tenant once `ready` holds for it, waiting up to `timeoutMs` for the lifecycle feed to catch
   * up (an event can reach a service a moment before the activation that allowed it); the last
   * known snapshot otherwise. For rare paths only: polls every 25 ms.
   */
  async waitFor(
    tenantId: string,
    ready: (tenant: TenantSnapshot) => boolean,
    timeoutMs: number,
  ): Promise<TenantSnapshot | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tenant = this.byId.get(tenantId);
      if ((tenant && ready(tenant)) || Date.now() >= deadline) return tenant;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Every tenant known, in no particular order. */
  all(): TenantSnapshot[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
