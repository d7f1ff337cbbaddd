import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { READ_MODELS, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import type { ProjectionServiceConfig } from '../config';

/**
 * Keeps the table of seen positions (what `X-Consistency-Token` waits for) from growing without
 * bound: every `SEEN_POSITIONS_PRUNE_INTERVAL_MS` it deletes the positions seen more than
 * `SEEN_POSITIONS_RETENTION_MS` ago, which then count as seen through each tenant's floor (ADR 0012).
 * Every projection instance prunes; passes that overlap are harmless.
 */
@Injectable()
export class SeenPositionsPruner implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<number> | undefined;
  private readonly logger: Logger;

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(SERVICE_CONFIG) private readonly config: ProjectionServiceConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'seen-positions-pruner' });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.pruneOnce(), this.config.SEEN_POSITIONS_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass (none while one runs); returns how many positions it deleted. Never throws. */
  pruneOnce(): Promise<number> {
    this.pass ??= this.prune().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async prune(): Promise<number> {
    try {
      const pruned = await this.readModels.positions.prune(this.config.SEEN_POSITIONS_RETENTION_MS);
      if (pruned > 0) this.logger.info({ pruned }, 'seen positions pruned');
      return pruned;
    } catch (error) {
      this.logger.warn({ err: error }, 'seen positions: prune failed; next pass retries');
      return 0;
    }
  }
}
