import type { OrderEvent } from '@platform/contracts';
import { react, type FulfilmentCommand, type FulfilmentInput, type Reaction } from './fulfilment.saga';
import { initialFulfilment, type FulfilmentState } from './fulfilment.state';

// Given the inputs the saga already handled, when one more comes, then these commands and this state.
const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const context = { now: '2026-12-03T12:00:00.000Z', stepTimeoutMs: 30_000 };
const total = { amount: '17.50', currency: 'EUR' };
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: {
    orderId,
    customerId: 'c',
    skus: [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ],
    total,
    paymentToken: 'tok_visa',
  },
};
const reservedA: FulfilmentInput = { type: 'StockReserved', data: { sku: 'A', orderId, quantity: 2 } };
const reservedB: FulfilmentInput = { type: 'StockReserved', data: { sku: 'B', orderId, quantity: 1 } };
const charged: FulfilmentInput = {
  type: 'PaymentCharged',
  data: { orderId, amount: total, reference: 'ch_1' },
};
const shipped: FulfilmentInput = { type: 'OrderShipped', data: { orderId } };
const deadline: FulfilmentInput = { type: 'DeadlinePassed', data: { orderId } };
const release = (sku: string): FulfilmentCommand => ({ type: 'ReleaseStock', data: { sku, orderId } });
const cancelOrder = (reason: 'out-of-stock' | 'payment-declined' | 'timeout'): FulfilmentCommand => ({
  type: 'CancelOrder',
  data: { orderId, reason },
});
const refund: FulfilmentCommand = { type: 'RefundPayment', data: { orderId } };

function given(inputs: readonly FulfilmentInput[]): {
  when(input: FulfilmentInput): Reaction;
  state: FulfilmentState;
} {
  const state = inputs.reduce((current, input) => react(current, input, context).state, initialFulfilment());
  return { state, when: (input) => react(state, input, context) };
}

describe('order fulfilment saga', () => {
  it('reserves every sku of a confirmed order, under a deadline', () => {
    const reaction = given([]).when(confirmed);
    expect(reaction.commands).toEqual([
      { type: 'ReserveStock', data: { sku: 'A', orderId, quantity: 2 } },
      { type: 'ReserveStock', data: { sku: 'B', orderId, quantity: 1 } },
    ]);
    expect(reaction.deadline).toEqual({ at: '2026-12-03T12:00:30.000Z' });
    expect(reaction.state.status).toBe('reserving');
  });

  it('charges once every sku is reserved, and records the reservation on the order', () => {
    expect(given([confirmed]).when(reservedA).commands).toEqual([]);
    const reaction = given([confirmed, reservedA]).when(reservedB);
    expect(reaction.commands).toEqual([
      { type: 'RecordOrderReservation', data: { orderId } },
      { type: 'ChargePayment', data: { orderId, amount: total, paymentToken: 'tok_visa' } },
    ]);
    expect(reaction.state.status).toBe('paying');
    expect(reaction.deadline).toEqual({ at: '2026-12-03T12:00:30.000Z' });
  });

  it('ignores a redelivered reservation', () => {
    const reaction = given([confirmed, reservedA]).when(reservedA);
    expect(reaction.commands).toEqual([]);
    expect(reaction.state.status).toBe('reserving');
  });

  it('ships after the charge, and commits the stock once the order shipped', () => {
    const paid = given([confirmed, reservedA, reservedB]).when(charged);
    expect(paid.commands).toEqual([
      { type: 'RecordOrderPayment', data: { orderId } },
      { type: 'ShipOrder', data: { orderId } },
    ]);
    expect(paid.deadline).toBeNull();
    const done = given([confirmed, reservedA, reservedB, charged]).when(shipped);
    expect(done.commands).toEqual([
      { type: 'CommitStock', data: { sku: 'A', orderId } },
      { type: 'CommitStock', data: { sku: 'B', orderId } },
    ]);
    expect(done.state).toEqual({ status: 'shipped', orderId });
  });

  it('cancels out of stock, releasing what was reserved', () => {
    const reaction = given([confirmed, reservedA]).when({
      type: 'StockReservationRejected',
      data: { sku: 'B', orderId, quantity: 1, available: 0 },
    });
    expect(reaction.commands).toEqual([release('A'), release('B'), cancelOrder('out-of-stock')]);
    expect(reaction.state).toEqual({ status: 'cancelled', orderId, reason: 'out-of-stock' });
    expect(reaction.deadline).toBeNull();
  });

  it('releases the stock and cancels when the payment is declined', () => {
    const reaction = given([confirmed, reservedA, reservedB]).when({
      type: 'PaymentDeclined',
      data: { orderId, reason: 'card-declined' },
    });
    expect(reaction.commands).toEqual([release('A'), release('B'), cancelOrder('payment-declined')]);
  });

  it('compensates a step that gets no answer in time: release, refund (void) the charge, cancel', () => {
    expect(given([confirmed, reservedA]).when(deadline).commands).toEqual([
      release('A'),
      release('B'),
      cancelOrder('timeout'),
    ]);
    expect(given([confirmed, reservedA, reservedB]).when(deadline).commands).toEqual([
      release('A'),
      release('B'),
      refund,
      cancelOrder('timeout'),
    ]);
  });

  it('releases and refunds when the customer cancels, without cancelling the order again', () => {
    const byCustomer: FulfilmentInput = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'customer', from: 'paid' },
    };
    expect(given([confirmed, reservedA, reservedB, charged]).when(byCustomer).commands).toEqual([
      release('A'),
      release('B'),
      refund,
    ]);
    expect(
      given([confirmed, reservedA]).when({ ...byCustomer, data: { ...byCustomer.data, from: 'confirmed' } })
        .commands,
    ).toEqual([release('A'), release('B')]);
  });

  it('gives back what arrives after the saga cancelled: a late reservation, a late charge', () => {
    const cancelled = [confirmed, reservedA, deadline];
    expect(given(cancelled).when(reservedB).commands).toEqual([release('B')]);
    expect(given([confirmed, reservedA, reservedB, deadline]).when(charged).commands).toEqual([refund]);
  });

  it('ignores everything once shipped, and a deadline that fires after the step was answered', () => {
    const done = [confirmed, reservedA, reservedB, charged, shipped];
    for (const input of [deadline, charged, reservedA, confirmed])
      expect(given(done).when(input).commands).toEqual([]);
    expect(given([confirmed, reservedA, reservedB, charged]).when(deadline).commands).toEqual([]);
  });

  it('does not start for an order it was not asked to fulfil', () => {
    expect(given([]).when(reservedA)).toEqual({ state: { status: 'idle' }, commands: [] });
  });
});
