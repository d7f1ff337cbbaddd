import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who acts, for which tenant, as part of which conversation. Filled at the edges (HTTP guard,
 * Kafka consumer) and read only at the edges: copied into command metadata, event metadata and
 * outgoing headers. Domain code never reads it.
 */
export interface TenantContext {
  readonly tenantId: string;
  /** JWT `sub`, an API key id, or a service name for messages. */
  readonly actor: string;
  readonly roles: readonly string[];
  readonly correlationId: string;
  /** Id of the message or request that caused the current work. */
  readonly causationId: string;
}

const storage = new AsyncLocalStorage<TenantContext>();

export const TenantContextStore = {
  /** Runs `fn` with `context` as the current tenant context. */
  run<T>(context: TenantContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): TenantContext | undefined {
    return storage.getStore();
  },
  /** The current context; throws when there is none (a bug: data access outside a tenant scope). */
  require(): TenantContext {
    const context = storage.getStore();
    if (!context) throw new Error('no tenant context: data access must run inside a tenant scope');
    return context;
  },
};
