import { SimulatedPaymentProvider } from './payment-provider.port';

const amount = { amount: '1.00', currency: 'EUR' };

describe('simulated payment provider', () => {
  it('charges tok_visa, declines tok_decline and unknown tokens, and answers a repeat as the first time', async () => {
    const provider = new SimulatedPaymentProvider();
    const signal = new AbortController().signal;
    expect(await provider.charge({ idempotencyKey: 'o1', amount, paymentToken: 'tok_visa' }, signal)).toEqual(
      {
        outcome: 'charged',
        reference: 'ch_o1',
      },
    );
    expect(
      await provider.charge({ idempotencyKey: 'o2', amount, paymentToken: 'tok_decline' }, signal),
    ).toEqual({
      outcome: 'declined',
      reference: 'card-declined',
    });
    expect(
      await provider.charge({ idempotencyKey: 'o3', amount, paymentToken: 'tok_other' }, signal),
    ).toMatchObject({
      outcome: 'declined',
      reference: 'invalid-token',
    });
    // the same key with another token: the first answer, no second charge
    expect(
      await provider.charge({ idempotencyKey: 'o1', amount, paymentToken: 'tok_decline' }, signal),
    ).toMatchObject({
      outcome: 'charged',
    });
    expect(provider.outstandingCharges).toBe(1);
    await provider.refund({ idempotencyKey: 'o1' });
    expect(provider.outstandingCharges).toBe(0);
  });

  it('never answers tok_timeout until the caller gives up', async () => {
    const provider = new SimulatedPaymentProvider();
    const controller = new AbortController();
    const pending = provider.charge(
      { idempotencyKey: 'o4', amount, paymentToken: 'tok_timeout' },
      controller.signal,
    );
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });
});
