import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readiness, SERVICE_CONFIG } from '@platform/service-kit';
import { InternalContextCodec } from '@platform/tenancy';
import type { GatewayConfig } from '../config';
import { Upstream } from './upstream';

/**
 * Reads: the identity the gateway verified, signed (ADR 0017), and the caller's preconditions and
 * consistency token. 128 connections: a read waiting for a consistency token holds one for up to
 * `CONSISTENCY_WAIT_MS`, and those must not starve the other reads; beyond that, more connections
 * would not make two cores read faster.
 */
const QUERIES = {
  requestHeaders: ['if-none-match', 'x-consistency-token'],
  connections: 128,
} as const;

/** The control plane: the caller's credentials, which the registry verifies itself. */
const REGISTRY = {
  identity: { kind: 'credentials' },
  requestHeaders: [
    'authorization',
    'x-api-key',
    'x-correlation-id',
    'content-type',
    'if-match',
    'if-none-match',
    'x-consistency-token',
  ],
  connections: 32,
} as const;

/** The internal services the gateway forwards reads and control-plane calls to. */
@Injectable()
export class Upstreams implements OnModuleInit, OnApplicationShutdown {
  readonly queries: Upstream;
  readonly registry: Upstream;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly readiness: Readiness,
  ) {
    const codec = new InternalContextCodec(config.INTERNAL_CONTEXT_SECRET);
    this.queries = new Upstream('query service', config.QUERY_SERVICE_URL, {
      ...QUERIES,
      identity: { kind: 'signed-context', codec },
    });
    this.registry = new Upstream('tenant registry', config.TENANT_REGISTRY_URL, REGISTRY);
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
