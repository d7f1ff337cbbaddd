import {
  messageRegistry,
  type InventoryEvent,
  type MessageDefinition,
  type OrderEvent,
  type TenantIsolation,
} from '@platform/contracts';
import type { GlobalEvent } from '@platform/event-store';
import {
  createReadModelDataSource,
  OrderViewStore,
  ProductViewStore,
  SeenPositions,
  TenantDataSources,
  type OrderEventToApply,
  type ProductEventToApply,
} from '@platform/read-models';
import type { ReadModelRebuild } from './read-model-rebuild.port';

/** Events applied per read-model transaction, as the projection batches them (ADR 0015). */
const BATCH = 500;

const eventsByName = new Map<string, MessageDefinition>();
for (const definition of messageRegistry) {
  if (definition.kind === 'event' && (definition.context === 'orders' || definition.context === 'inventory'))
    eventsByName.set(definition.name, definition);
}

/**
 * {@link ReadModelRebuild} with the projection's own stores (`@platform/read-models`): orders (and
 * their summary) and products, a batch of events per transaction, each event once (its id is
 * recorded as processed, so running it again changes nothing).
 */
export class ReadModelsRebuild implements ReadModelRebuild {
  private readonly sources: TenantDataSources;
  private readonly positions: SeenPositions;
  private ready: Promise<void> | undefined;

  constructor(databaseUrl: string) {
    const main = createReadModelDataSource(databaseUrl, 2);
    this.sources = new TenantDataSources(main, databaseUrl, 2);
    this.positions = new SeenPositions(main);
  }

  async rebuildTenant(
    tenantId: string,
    isolation: TenantIsolation,
    events: AsyncIterable<GlobalEvent>,
  ): Promise<{ applied: number }> {
    this.ready ??= this.sources.main.initialize().then(() => this.positions.migrate());
    await this.ready;
    const isolationOf = (id: string): TenantIsolation | undefined =>
      id === tenantId ? isolation : undefined;
    const orders = new OrderViewStore(this.sources, isolationOf, this.positions);
    const products = new ProductViewStore(this.sources, isolationOf, this.positions);
    let orderBatch: OrderEventToApply[] = [];
    let productBatch: ProductEventToApply[] = [];
    let applied = 0;
    const flush = async (): Promise<void> => {
      if (orderBatch.length > 0) await orders.applyBatch(tenantId, orderBatch);
      if (productBatch.length > 0) await products.applyBatch(tenantId, productBatch);
      applied += orderBatch.length + productBatch.length;
      orderBatch = [];
      productBatch = [];
    };
    for await (const event of events) {
      const definition = eventsByName.get(event.type);
      if (definition === undefined) continue;
      const data = definition.schema.parse(event.data);
      const common = {
        eventId: event.eventId,
        occurredAt: event.metadata.occurredAt,
        version: event.streamVersion,
        position: event.globalPosition,
      };
      if (definition.context === 'orders') {
        orderBatch.push({ ...common, event: { type: definition.name, data } as OrderEvent });
      } else {
        productBatch.push({ ...common, event: { type: definition.name, data } as InventoryEvent });
      }
      if (orderBatch.length + productBatch.length >= BATCH) await flush();
    }
    await flush();
    return { applied };
  }

  async close(): Promise<void> {
    await this.sources.close();
  }
}
