import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Pool } from 'pg';
import { AuditLog, DEFAULT_AUDIT_SCHEMA } from '@platform/audit';
import { ParkedEvents } from '@platform/read-models';
import { Readiness, SERVICE_CONFIG } from '@platform/service-kit';
import type { ProjectionServiceConfig } from '../config';
import { OrderApplier } from '../orders/order-applier';
import { ParkedAggregates } from './parked-aggregates';
import { trackParked } from './parking-metrics';

export const PARKED_EVENTS = Symbol('PARKED_EVENTS');
export const PROJECTION_AUDIT = Symbol('PROJECTION_AUDIT');

/** Connections of the pool for the parked table and the audit records of operators' actions. */
const PARKING_POOL_SIZE = 4;

class ParkingPool implements OnApplicationShutdown {
  constructor(readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The parked table (in the main read-model database) and the platform's audit log (its own schema in
 * the same database), on a small pool of their own; the table is created at start.
 */
export const parkingProviders: Provider[] = [
  {
    provide: ParkingPool,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ProjectionServiceConfig) => {
      const pool = new Pool({ connectionString: config.DATABASE_URL, max: PARKING_POOL_SIZE });
      // an idle connection that fails is replaced on the next query; readiness reports an outage
      pool.on('error', () => undefined);
      return new ParkingPool(pool);
    },
  },
  {
    provide: PARKED_EVENTS,
    inject: [ParkingPool, Readiness],
    useFactory: async ({ pool }: ParkingPool, readiness: Readiness) => {
      const parked = new ParkedEvents(pool);
      await parked.migrate();
      trackParked(parked);
      readiness.register('parked-events', async () => {
        await pool.query('SELECT 1');
      });
      return parked;
    },
  },
  {
    provide: PROJECTION_AUDIT,
    inject: [ParkingPool],
    useFactory: async ({ pool }: ParkingPool) => {
      const audit = new AuditLog(pool, { schema: DEFAULT_AUDIT_SCHEMA });
      await audit.migrate();
      return audit;
    },
  },
  {
    provide: ParkedAggregates,
    inject: [PARKED_EVENTS, PROJECTION_AUDIT, OrderApplier],
    useFactory: (parked: ParkedEvents, audit: AuditLog, applier: OrderApplier) =>
      new ParkedAggregates(parked, audit, (message) => applier.applyMessage(message)),
  },
];
