import type { RecordChargeOutcome } from '@platform/contracts';
import { SimulatedPaymentProvider, type PaymentState } from '@platform/payments-domain';
import { derivedId, processPaymentEvent, type PaymentProcessorPorts } from './payment-processor';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const EVENT_ID = '0f6d9a3e-5b1c-4c2d-8e7f-9a0b1c2d3e4f';
const amount = { amount: '19.00', currency: 'EUR' };
const requested = (paymentToken: string) => ({
  id: EVENT_ID,
  type: 'PaymentRequested',
  data: { orderId: ORDER, amount, paymentToken },
});

function portsWith(state: PaymentState, deadline: () => AbortSignal = () => new AbortController().signal) {
  const provider = new SimulatedPaymentProvider();
  const recorded: { command: RecordChargeOutcome; commandId: string }[] = [];
  const ports: PaymentProcessorPorts = {
    provider,
    paymentOf: () => Promise.resolve(state),
    record: (command, commandId) => {
      recorded.push({ command, commandId });
      return Promise.resolve();
    },
    deadline,
  };
  return { ports, provider, recorded };
}

const requestedState = (paymentToken: string): PaymentState => ({
  status: 'requested',
  amount,
  paymentToken,
});

describe('processPaymentEvent', () => {
  it('charges tok_visa once and records the charge with its reference', async () => {
    const { ports, provider, recorded } = portsWith(requestedState('tok_visa'));
    await expect(processPaymentEvent(ports, requested('tok_visa'))).resolves.toEqual({
      did: 'recorded',
      outcome: 'charged',
    });
    expect(recorded).toEqual([
      {
        command: {
          type: 'RecordChargeOutcome',
          data: { orderId: ORDER, outcome: 'charged', reference: `ch_${ORDER}` },
        },
        commandId: derivedId(EVENT_ID, 'RecordChargeOutcome'),
      },
    ]);
    expect(provider.outstandingCharges).toBe(1);
  });

  it('records a declined tok_decline', async () => {
    const { ports, recorded } = portsWith(requestedState('tok_decline'));
    await processPaymentEvent(ports, requested('tok_decline'));
    expect(recorded.map((r) => r.command.data)).toEqual([
      { orderId: ORDER, outcome: 'declined', reference: 'card-declined' },
    ]);
  });

  it('sends a redelivered event under the same command id, and charges the provider once', async () => {
    const { ports, provider, recorded } = portsWith(requestedState('tok_visa'));
    await processPaymentEvent(ports, requested('tok_visa'));
    await processPaymentEvent(ports, requested('tok_visa'));
    expect(new Set(recorded.map((r) => r.commandId)).size).toBe(1);
    expect(provider.outstandingCharges).toBe(1);
  });

  it('does not charge a payment that is no longer requested', async () => {
    const { ports, provider, recorded } = portsWith({ status: 'voided', amount });
    await expect(processPaymentEvent(ports, requested('tok_visa'))).resolves.toMatchObject({
      did: 'nothing',
    });
    expect(recorded).toEqual([]);
    expect(provider.outstandingCharges).toBe(0);
  });

  it('abandons tok_timeout at its deadline and records nothing', async () => {
    const controller = new AbortController();
    const { ports, recorded } = portsWith(requestedState('tok_timeout'), () => controller.signal);
    const step = processPaymentEvent(ports, requested('tok_timeout'));
    controller.abort(new Error('deadline'));
    await expect(step).resolves.toEqual({ did: 'abandoned' });
    expect(recorded).toEqual([]);
  });

  it('refunds at the provider after PaymentRefunded', async () => {
    const { ports, provider } = portsWith(requestedState('tok_visa'));
    await processPaymentEvent(ports, requested('tok_visa'));
    await expect(
      processPaymentEvent(ports, {
        id: 'e2',
        type: 'PaymentRefunded',
        data: { orderId: ORDER, amount, reference: `ch_${ORDER}` },
      }),
    ).resolves.toEqual({ did: 'refunded' });
    expect(provider.outstandingCharges).toBe(0);
  });

  it('throws a provider failure that is not its deadline, for the consumer to retry', async () => {
    const { ports } = portsWith(requestedState('tok_visa'));
    const failing: PaymentProcessorPorts = {
      ...ports,
      provider: { charge: () => Promise.reject(new Error('provider down')), refund: () => Promise.resolve() },
    };
    await expect(processPaymentEvent(failing, requested('tok_visa'))).rejects.toThrow('provider down');
  });
});
