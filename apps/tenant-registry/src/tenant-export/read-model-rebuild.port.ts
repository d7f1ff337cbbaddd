import type { TenantIsolation } from '@platform/contracts';
import type { GlobalEvent } from '@platform/event-store';

/**
 * Brings a tenant's read models up to date with its events, fed from the event store: what an
 * import runs once its events are written (they are not re-published to Kafka, ADR 0034). The seam
 * where the projection service's rebuild (blue/green, per tenant) plugs in once it exists; until then
 * {@link ReadModelsRebuild} applies the events with the projection's own stores.
 *
 * @example
 * const { applied } = await rebuild.rebuildTenant(tenantId, 'schema', store.exportTenant(tenantId));
 */
export interface ReadModelRebuild {
  rebuildTenant(
    tenantId: string,
    isolation: TenantIsolation,
    events: AsyncIterable<GlobalEvent>,
  ): Promise<{ readonly applied: number }>;
  close(): Promise<void>;
}

/** Nest injection token for the {@link ReadModelRebuild} port. */
export const READ_MODEL_REBUILD = Symbol('READ_MODEL_REBUILD');
