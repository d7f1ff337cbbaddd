import { NonRetriableError } from '@platform/messaging';
import { sagaInputOf } from './saga-input';

const orderId = '0b8f4a0e-2f55-4a43-9c1e-2d1c7f3b5a10';

describe('sagaInputOf', () => {
  it('routes a reserved stock to its order', () => {
    expect(sagaInputOf({ type: 'inventory.StockReserved' }, { sku: 'SKU-1', orderId, quantity: 2 })).toEqual({
      kind: 'input',
      orderId,
      input: { type: 'StockReserved', data: { sku: 'SKU-1', orderId, quantity: 2 } },
    });
  });

  it('skips the types the saga does not react to, without parsing them', () => {
    expect(sagaInputOf({ type: 'orders.OrderItemAdded' }, 'not even an object')).toEqual({ kind: 'ignored' });
    expect(sagaInputOf({ type: 'inventory.StockReleased' }, null)).toEqual({ kind: 'ignored' });
  });

  it('refuses an invalid payload of a type it reacts to (dead-lettered)', () => {
    expect(() => sagaInputOf({ type: 'payments.PaymentCharged' }, { orderId: 'nope' })).toThrow(
      NonRetriableError,
    );
  });
});
