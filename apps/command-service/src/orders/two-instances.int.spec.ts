import { randomUUID } from 'node:crypto';
import { orderStreamName, type OrderCommand } from '@platform/contracts';
import type { OrderState } from '@platform/orders-domain';
import { StreamCache } from '@platform/command-handling';
import { GroupCommitAuditedAppend } from '../audited-append/group-commit-audited-append';
import { startCommandPostgres, type CommandPostgres } from '../testing/postgres-fixture';
import { handleOrderCommand, type CommandOutcome } from './handle-order-command';

// What the fast path (group commit, hot orders in memory) could break: two instances with their
// own caches and committers handle the same orders at once (a rebalance), and Kafka redelivers
// commands to the other instance. Every command must be carried out exactly once.

describe('two command-service instances on the same orders (group commit, hot orders)', () => {
  let db: CommandPostgres;
  beforeAll(async () => {
    db = await startCommandPostgres();
  });
  afterAll(() => db.close());

  it('carries out each command once: contiguous versions, one event and one record per command', async () => {
    const tenantId = randomUUID();
    const instances = [0, 1].map(() => ({
      ports: {
        store: db.store,
        audited: new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage),
        cache: new StreamCache<OrderState>(),
      },
    }));
    const run = (instance: number, command: OrderCommand, commandId: string): Promise<CommandOutcome> =>
      handleOrderCommand(
        instances[instance]!.ports,
        command,
        {
          tenantId,
          correlationId: commandId,
          causationId: commandId,
          actor: 'user:alice',
          now: () => '2026-01-20T10:00:00.000Z',
          newId: randomUUID,
        },
        { maxOrdersPerMonth: 100, maxStorageBytes: 1024 ** 4 },
      );
    const orders = Array.from({ length: 4 }, () => randomUUID());
    for (const [i, orderId] of orders.entries()) {
      expect(
        await run(i % 2, { type: 'CreateOrder', data: { orderId, customerId: 'c' } }, randomUUID()),
      ).toMatchObject({
        ok: true,
      });
    }
    const commands = Array.from({ length: 60 }, (_, i): { id: string; command: OrderCommand } => ({
      id: randomUUID(),
      command: {
        type: 'AddOrderItem',
        data: {
          orderId: orders[i % 4]!,
          sku: `SKU-${i}`,
          quantity: 1,
          unitPrice: { amount: '1.00', currency: 'EUR' },
        },
      },
    }));

    // Each instance handles one order's commands one after the other, as Kafka hands them over; the
    // two instances run at once, and every third command is redelivered to the other instance too.
    const queues = [0, 1].map((instance) =>
      orders.map((orderId) =>
        commands
          .map((entry, i) => ({ ...entry, i }))
          .filter(
            ({ command, i }) => command.data.orderId === orderId && (i % 2 === instance || i % 3 === 0),
          ),
      ),
    );
    const accepted = new Set<string>();
    await Promise.all(
      queues.flatMap((perOrder, instance) =>
        perOrder.map(async (queue) => {
          for (const { id, command } of queue) {
            const outcome = await run(instance, command, id);
            // a command that kept colliding with the other instance is refused (409, the client retries)
            if (outcome.ok) accepted.add(id);
            else expect(outcome.problem.kind).toBe('conflict');
          }
        }),
      ),
    );

    expect(accepted.size).toBeGreaterThan(30);
    const recorded: string[] = [];
    for (const orderId of orders) {
      const events = await db.store.readStream(tenantId, orderStreamName(orderId));
      expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, i) => i + 1));
      recorded.push(...events.slice(1).map((event) => event.metadata.causationId));
    }
    expect(recorded).toHaveLength(new Set(recorded).size);
    expect(new Set(recorded)).toEqual(accepted);
    const chain = await db.audit.list(tenantId, { limit: 1000 });
    const added = chain
      .filter((record) => record.action === 'order.add-item')
      .map((record) => record.requestId);
    expect(new Set(added)).toEqual(accepted);
    expect(added).toHaveLength(accepted.size);
    expect(await db.audit.verify(tenantId)).toMatchObject({ valid: true });
  });
});
