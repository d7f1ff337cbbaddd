import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readiness, SERVICE_CONFIG } from '@platform/service-kit';
import type { GatewayConfig } from '../config';
import { Upstream } from './upstream';

/** The internal services the gateway forwards reads and control-plane calls to. */
@Injectable()
export class Upstreams implements OnModuleInit, OnApplicationShutdown {
  readonly queries: Upstream;
  readonly registry: Upstream;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly readiness: Readiness,
  ) {
    this.queries = new Upstream('query service', config.QUERY_SERVICE_URL);
    this.registry = new Upstream('tenant registry', config.TENANT_REGISTRY_URL);
  }

  onModuleInit(): void {
    // Ready only when reads (read-model database) and the control plane (event store) answer.
    this.readiness.register('query-service', () => this.queries.ready());
    this.readiness.register('tenant-registry', () => this.registry.ready());
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.queries.close(), this.registry.close()]);
  }
}
