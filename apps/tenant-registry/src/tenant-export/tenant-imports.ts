import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '@platform/contracts';
import { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import { TenantController } from '../reconcile/tenant-controller';
import { TenantCommands } from '../tenants/tenant-commands';
import type { ImportTenantDeps } from './import-tenant';
import { READ_MODEL_REBUILD, type ReadModelRebuild } from './read-model-rebuild.port';

/** How long an import waits for the controller to provision the new tenant's storage. */
const ACTIVE_WITHIN_MS = 60_000;
const ACTIVE_POLL_MS = 100;

/** The archive media type, taken as a stream (never buffered, whatever its size). */
const ARCHIVE_TYPES = ['application/gzip', 'application/x-gzip'];

/**
 * What an import needs, wired once: the registry's stores, its commands, the read-model rebuild
 * (closed on shutdown), and a wait for the controller to make the tenant active. Also teaches
 * fastify to hand archive bodies over as streams.
 */
@Injectable()
export class TenantImports implements OnModuleInit, OnApplicationShutdown {
  readonly deps: ImportTenantDeps;

  constructor(
    db: RegistryDatabase,
    commands: TenantCommands,
    private readonly controller: TenantController,
    @Inject(READ_MODEL_REBUILD) private readonly readModels: ReadModelRebuild,
    private readonly adapter: HttpAdapterHost,
  ) {
    this.deps = {
      db,
      commands,
      readModels,
      newId: randomUUID,
      now: () => new Date(),
      untilActive: (tenantId) => this.untilActive(db, tenantId),
    };
  }

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify === undefined) return;
    fastify.addContentTypeParser(ARCHIVE_TYPES, (_request, payload, done) => {
      done(null, payload);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readModels.close();
  }

  private async untilActive(db: RegistryDatabase, tenantId: string): Promise<TenantRecord> {
    const deadline = Date.now() + ACTIVE_WITHIN_MS;
    for (;;) {
      this.controller.kick();
      const tenant = await db.tenants.find(tenantId);
      if (tenant?.status === 'active') return tenant;
      if (Date.now() > deadline) {
        throw new ProblemError(
          'unavailable',
          `tenant ${tenantId} was imported but its storage is not provisioned yet: its read models are not built`,
          undefined,
          { 'retry-after': '5' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, ACTIVE_POLL_MS));
    }
  }
}
