import { messageRegistry, type PaymentCommand } from '@platform/contracts';
import { acceptedEntry, type AuditContext } from '../command-pipeline/aggregate-audit';
import { PAYMENT_AUDIT, paymentStateJson } from './payment-audit';
import { PAYMENT_USE_CASES } from './payment-use-cases';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const amount = { amount: '12.50', currency: 'EUR' };
const context: AuditContext = {
  actor: 'service:payment-processor',
  requestId: 'msg-1',
  correlationId: 'corr-1',
  occurredAt: '2026-01-20T10:00:00.000Z',
};

describe('payment audit', () => {
  it('names every payment command with a `payment.<verb>` action', () => {
    const commands = messageRegistry
      .filter((d) => d.context === 'payments' && d.kind === 'command')
      .map((d) => d.name)
      .sort();
    expect(Object.keys(PAYMENT_USE_CASES).sort()).toEqual(commands);
    for (const useCase of Object.values(PAYMENT_USE_CASES))
      expect(useCase.auditAction).toMatch(/^payment\.[a-z]+(-[a-z]+)*$/);
  });

  it('records an outcome on payment/<orderId>, never with the payment token', () => {
    const record: PaymentCommand = {
      type: 'RecordChargeOutcome',
      data: { orderId: ORDER, outcome: 'charged', reference: 'ch_1' },
    };
    const entry = acceptedEntry(
      PAYMENT_AUDIT,
      record,
      { status: 'requested', amount, paymentToken: 'tok_visa' },
      { status: 'charged', amount, reference: 'ch_1' },
      context,
    );
    expect(entry).toEqual({
      ...context,
      action: 'payment.record-outcome',
      target: `payment/${ORDER}`,
      previousState: { status: 'requested', amount },
      newState: { status: 'charged', amount, reference: 'ch_1' },
    });
    expect(JSON.stringify(entry)).not.toContain('tok_');
  });

  it('writes every state', () => {
    expect(paymentStateJson({ status: 'none' })).toBeNull();
    expect(paymentStateJson({ status: 'declined', reason: 'card-declined' })).toEqual({
      status: 'declined',
      reason: 'card-declined',
    });
    expect(paymentStateJson({ status: 'voided' })).toEqual({ status: 'voided' });
    expect(paymentStateJson({ status: 'voided', amount })).toEqual({ status: 'voided', amount });
  });
});
