import { messageRegistry, type OrderCommand } from '@platform/contracts';
import type { OrderState } from '@platform/orders-domain';
import {
  ORDER_AUDIT_ACTIONS,
  acceptedOrderEntry,
  orderStateJson,
  refusedOrderEntry,
  type OrderAuditContext,
} from './order-audit';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const context: OrderAuditContext = {
  actor: 'user:alice',
  requestId: 'msg-1',
  correlationId: 'corr-1',
  occurredAt: '2026-01-20T10:00:00.000Z',
};
const draft: OrderState = { status: 'draft', orderId: ORDER, customerId: 'c', lines: [] };
const withLine: OrderState = {
  ...draft,
  currency: 'EUR',
  lines: [{ sku: 'A', quantity: 2, unitPrice: { amount: '1.50', currency: 'EUR' } }],
};
const addItem: OrderCommand = {
  type: 'AddOrderItem',
  data: { orderId: ORDER, sku: 'A', quantity: 2, unitPrice: { amount: '1.50', currency: 'EUR' } },
};

describe('ORDER_AUDIT_ACTIONS', () => {
  it('names every order command with a dotted `order.<verb>` action', () => {
    const commands = messageRegistry
      .filter((d) => d.context === 'orders' && d.kind === 'command')
      .map((d) => d.name)
      .sort();

    expect(Object.keys(ORDER_AUDIT_ACTIONS).sort()).toEqual(commands);
    for (const action of Object.values(ORDER_AUDIT_ACTIONS))
      expect(action).toMatch(/^order\.[a-z]+(-[a-z]+)*$/);
  });
});

describe('orderStateJson', () => {
  it('is null before the order exists, and the whole order after', () => {
    expect(orderStateJson({ status: 'empty' })).toBeNull();
    expect(orderStateJson(withLine)).toEqual({
      status: 'draft',
      orderId: ORDER,
      customerId: 'c',
      currency: 'EUR',
      lines: [{ sku: 'A', quantity: 2, unitPrice: { amount: '1.50', currency: 'EUR' } }],
    });
    expect(orderStateJson(draft)).not.toHaveProperty('currency');
  });
});

describe('order audit entries', () => {
  it('records an accepted command with the order before and after', () => {
    expect(acceptedOrderEntry(addItem, draft, withLine, context)).toEqual({
      ...context,
      action: 'order.add-item',
      target: `order/${ORDER}`,
      previousState: orderStateJson(draft),
      newState: orderStateJson(withLine),
    });
  });

  it('records a refused one as unchanged, with why', () => {
    const entry = refusedOrderEntry(
      addItem,
      withLine,
      {
        kind: 'conflict',
        code: 'currency-mismatch',
        detail: 'priced in EUR',
        headers: { 'retry-after': '1' },
      },
      context,
    );

    expect(entry).toEqual({
      ...context,
      action: 'order.add-item.refused',
      target: `order/${ORDER}`,
      previousState: {
        order: orderStateJson(withLine),
        refusal: { kind: 'conflict', code: 'currency-mismatch', detail: 'priced in EUR' },
      },
      newState: entry.previousState,
    });
  });
});
