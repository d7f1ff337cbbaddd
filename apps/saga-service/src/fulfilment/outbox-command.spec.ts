import { routingOf } from './outbox-command';

const orderId = '0b8f4a0e-2f55-4a43-9c1e-2d1c7f3b5a10';

describe('routingOf', () => {
  it('sends inventory commands to inventory.commands, keyed by sku', () => {
    expect(routingOf({ type: 'ReserveStock', data: { sku: 'SKU-1', orderId, quantity: 1 } })).toEqual({
      type: 'inventory.ReserveStock',
      topic: 'inventory.commands',
      key: 'SKU-1',
      dataSchemaVersion: 1,
    });
  });

  it('sends payments and orders commands to their topics, keyed by the order', () => {
    expect(routingOf({ type: 'RefundPayment', data: { orderId } })).toMatchObject({
      type: 'payments.RefundPayment',
      topic: 'payments.commands',
      key: orderId,
    });
    expect(routingOf({ type: 'CancelOrder', data: { orderId, reason: 'timeout' } })).toMatchObject({
      type: 'orders.CancelOrder',
      topic: 'orders.commands',
      key: orderId,
    });
  });
});
