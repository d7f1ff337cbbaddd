import type { Money } from '@platform/contracts';

/** What a payment provider answers to a charge: charged (with its reference) or declined (with a code). */
export type ChargeAnswer =
  | { readonly outcome: 'charged'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly reference: string };

/**
 * A payment provider. `idempotencyKey` (the order id) makes a repeated charge return the first
 * answer instead of charging again, as real providers do. A provider that never answers is the
 * caller's to time out (`signal`).
 *
 * @example
 * const answer = await provider.charge({ idempotencyKey: orderId, amount, paymentToken }, signal);
 */
export interface PaymentProvider {
  charge(
    request: { readonly idempotencyKey: string; readonly amount: Money; readonly paymentToken: string },
    signal: AbortSignal,
  ): Promise<ChargeAnswer>;
  refund(request: {
    readonly idempotencyKey: string;
    readonly reference: string;
    readonly amount: Money;
  }): Promise<void>;
}

/**
 * The simulated provider of the reference domain (contract §5): `tok_visa` is charged, `tok_decline`
 * is declined, `tok_timeout` never answers (until `signal` aborts it); any other token is declined as
 * `invalid-token`. Charges are remembered by idempotency key, so a repeat gets the first answer.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly answers = new Map<string, ChargeAnswer>();
  private readonly refunds = new Set<string>();

  charge(
    request: { readonly idempotencyKey: string; readonly amount: Money; readonly paymentToken: string },
    signal: AbortSignal,
  ): Promise<ChargeAnswer> {
    const earlier = this.answers.get(request.idempotencyKey);
    if (earlier !== undefined) return Promise.resolve(earlier);
    if (request.paymentToken === 'tok_timeout') {
      return new Promise<ChargeAnswer>((_resolve, reject) => {
        const abort = (): void =>
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      });
    }
    const answer: ChargeAnswer =
      request.paymentToken === 'tok_visa'
        ? { outcome: 'charged', reference: `ch_${request.idempotencyKey}` }
        : {
            outcome: 'declined',
            reference: request.paymentToken === 'tok_decline' ? 'card-declined' : 'invalid-token',
          };
    this.answers.set(request.idempotencyKey, answer);
    return Promise.resolve(answer);
  }

  refund(request: { readonly idempotencyKey: string }): Promise<void> {
    this.refunds.add(request.idempotencyKey);
    return Promise.resolve();
  }

  /** Charges this provider made and did not refund (what a reconciliation would check). */
  get outstandingCharges(): number {
    let charged = 0;
    for (const [key, answer] of this.answers)
      if (answer.outcome === 'charged' && !this.refunds.has(key)) charged += 1;
    return charged;
  }
}
