import { messageRegistry, type InventoryCommand } from '@platform/contracts';
import type { ProductState } from '@platform/inventory-domain';
import { acceptedEntry, refusedAggregateEntry, type AuditContext } from '../command-pipeline/aggregate-audit';
import { INVENTORY_USE_CASES } from './inventory-use-cases';
import { PRODUCT_AUDIT, productStateJson } from './product-audit';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const context: AuditContext = {
  actor: 'service:saga',
  requestId: 'msg-1',
  correlationId: 'corr-1',
  occurredAt: '2026-01-20T10:00:00.000Z',
};
const product = (available: number, reserved: number, holds: Record<string, number>): ProductState => ({
  status: 'active',
  sku: 'SKU-1',
  name: 'Widget',
  available,
  reserved,
  holds,
});
const reserve: InventoryCommand = {
  type: 'ReserveStock',
  data: { sku: 'SKU-1', orderId: ORDER, quantity: 2 },
};

describe('product audit', () => {
  it('names every inventory command with a `product.<verb>` action', () => {
    const commands = messageRegistry
      .filter((d) => d.context === 'inventory' && d.kind === 'command')
      .map((d) => d.name)
      .sort();
    expect(Object.keys(INVENTORY_USE_CASES).sort()).toEqual(commands);
    expect(Object.values(INVENTORY_USE_CASES).map((u) => u.auditAction)).toEqual([
      'product.create',
      'product.restock',
      'product.reserve',
      'product.release',
      'product.commit',
    ]);
  });

  it('records a reservation on product/<sku> with the stock and the order hold before and after', () => {
    const before = product(5, 1, { other: 1 });
    const after = product(3, 3, { other: 1, [ORDER]: 2 });
    expect(acceptedEntry(PRODUCT_AUDIT, reserve, before, after, context)).toEqual({
      ...context,
      action: 'product.reserve',
      target: 'product/SKU-1',
      previousState: {
        sku: 'SKU-1',
        name: 'Widget',
        available: 5,
        reserved: 1,
        hold: { orderId: ORDER, quantity: 0 },
      },
      newState: {
        sku: 'SKU-1',
        name: 'Widget',
        available: 3,
        reserved: 3,
        hold: { orderId: ORDER, quantity: 2 },
      },
    });
  });

  it('shows no hold for a command about no order, and null before the product exists', () => {
    const restock: InventoryCommand = { type: 'RestockProduct', data: { sku: 'SKU-1', quantity: 1 } };
    expect(productStateJson(product(1, 0, {}), restock)).toEqual({
      sku: 'SKU-1',
      name: 'Widget',
      available: 1,
      reserved: 0,
    });
    expect(productStateJson({ status: 'unknown' }, restock)).toBeNull();
  });

  it('records a refusal as product.<verb>.refused with the product as it is', () => {
    const restock: InventoryCommand = { type: 'RestockProduct', data: { sku: 'SKU-1', quantity: 1 } };
    const refusal = {
      kind: 'notFound',
      code: 'product-not-found',
      detail: 'Product SKU-1 does not exist',
    } as const;
    const entry = refusedAggregateEntry(PRODUCT_AUDIT, restock, { status: 'unknown' }, refusal, context);
    expect(entry).toMatchObject({
      action: 'product.restock.refused',
      target: 'product/SKU-1',
      previousState: { product: null, refusal },
      newState: { product: null, refusal },
    });
  });
});
