import type { Money, PaymentCommand, PaymentEvent } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { paymentDecider } from './payment.decider';

const spec = specFor(paymentDecider);
const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const amount: Money = { amount: '17.50', currency: 'EUR' };
const charge: PaymentCommand = { type: 'ChargePayment', data: { orderId, amount, paymentToken: 'tok_visa' } };
const requested: PaymentEvent = {
  type: 'PaymentRequested',
  data: { orderId, amount, paymentToken: 'tok_visa' },
};
const outcome = (value: 'charged' | 'declined', reference: string): PaymentCommand => ({
  type: 'RecordChargeOutcome',
  data: { orderId, outcome: value, reference },
});
const charged: PaymentEvent = { type: 'PaymentCharged', data: { orderId, amount, reference: 'ch_1' } };
const refund: PaymentCommand = { type: 'RefundPayment', data: { orderId } };
const voided: PaymentEvent = { type: 'PaymentVoided', data: { orderId } };

describe('payment', () => {
  it('asks for a charge once: a repeated charge changes nothing', () => {
    spec.given([]).when(charge).then([requested]);
    spec.given([requested]).when(charge).then([]);
    spec.given([requested, charged]).when(charge).then([]);
  });

  it("records the provider's answer once", () => {
    spec.given([requested]).when(outcome('charged', 'ch_1')).then([charged]);
    spec
      .given([requested])
      .when(outcome('declined', 'card-declined'))
      .then([{ type: 'PaymentDeclined', data: { orderId, reason: 'card-declined' } }]);
    spec.given([requested, charged]).when(outcome('charged', 'ch_1')).then([]);
    spec.given([]).when(outcome('charged', 'ch_1')).thenRejected({ code: 'payment-not-requested' });
  });

  it('refunds a charged payment, and only once', () => {
    const refunded: PaymentEvent = { type: 'PaymentRefunded', data: { orderId, amount, reference: 'ch_1' } };
    spec.given([requested, charged]).when(refund).then([refunded]);
    spec.given([requested, charged, refunded]).when(refund).then([]);
  });

  it('voids a payment still waiting for its answer, and refunds a charge that answers late', () => {
    spec.given([requested]).when(refund).then([voided]);
    spec
      .given([requested, voided])
      .when(outcome('charged', 'ch_late'))
      .then([
        { type: 'PaymentCharged', data: { orderId, amount, reference: 'ch_late' } },
        { type: 'PaymentRefunded', data: { orderId, amount, reference: 'ch_late' } },
      ]);
    spec.given([requested, voided]).when(outcome('declined', 'card-declined')).then([]);
  });

  it('never charges a payment voided before its request (a compensation that overtook the charge)', () => {
    spec.given([]).when(refund).then([voided]);
    spec.given([voided]).when(charge).then([]);
  });

  it('has nothing to refund after a decline', () => {
    spec
      .given([requested, { type: 'PaymentDeclined', data: { orderId, reason: 'card-declined' } }])
      .when(refund)
      .then([]);
  });
});
