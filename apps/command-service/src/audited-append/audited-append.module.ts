import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import { AuditFirstAuditedAppend } from './audit-first-audited-append';
import { AUDITED_APPEND, type AuditedAppend } from './audited-append.port';
import { CommandDatabase } from './command-database';
import { GroupCommitAuditedAppend } from './group-commit-audited-append';
import { TracedAuditedAppend } from './traced-audited-append';

export interface AuditedAppendModuleOptions {
  /** The platform database: audit log and usage counters (and the events, with EVENT_STORE=postgres). */
  readonly connectionString: string;
  readonly poolSize: number;
  readonly logger: Logger;
}

/**
 * Provides {@link AUDITED_APPEND} for the event store in use ({@link EVENT_STORE}): one transaction
 * with PostgreSQL (a group of commands at a time, ADR 0018), audit first with EventStoreDB (ADR 0009). The pool closes on shutdown, after
 * the consumers have stopped.
 */
@Module({})
export class AuditedAppendModule {
  static forRoot(options: AuditedAppendModuleOptions): DynamicModule {
    return {
      module: AuditedAppendModule,
      providers: [
        {
          provide: CommandDatabase,
          useFactory: () => CommandDatabase.open(options.connectionString, options.poolSize),
        },
        {
          provide: AUDITED_APPEND,
          inject: [EVENT_STORE, CommandDatabase],
          useFactory: (store: EventStore, db: CommandDatabase): AuditedAppend =>
            store instanceof PostgresEventStore
              ? new TracedAuditedAppend(
                  new GroupCommitAuditedAppend(db.pool, store, db.audit, db.usage),
                  'postgresql',
                )
              : new TracedAuditedAppend(
                  new AuditFirstAuditedAppend(store, db.audit, db.usage, options.logger),
                  'eventstoredb',
                ),
        },
      ],
      exports: [AUDITED_APPEND, CommandDatabase],
    };
  }
}
