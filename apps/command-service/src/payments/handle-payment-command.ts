import type { StreamCache } from '@platform/command-handling';
import {
  paymentStreamName,
  type PaymentCommand,
  type PaymentEvent,
  type ProblemData,
} from '@platform/contracts';
import type { EventStore } from '@platform/event-store';
import { paymentDecider, type PaymentState } from '@platform/payments-domain';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import type { CommandMetadata } from '../command-pipeline/command-metadata';
import { handleAggregateCommand, type AggregateKind } from '../command-pipeline/handle-aggregate-command';
import { PAYMENT_AUDIT } from './payment-audit';

/** The Payment aggregate in the command service: `payment-<orderId>`, audited on `payment/<orderId>`. */
export const PAYMENT_KIND: AggregateKind<PaymentCommand, PaymentEvent, PaymentState> = {
  context: 'payments',
  decider: paymentDecider,
  subject: 'the payment',
  streamOf: (command) => paymentStreamName(command.data.orderId),
  audit: PAYMENT_AUDIT,
};

export interface PaymentCommandPorts {
  readonly store: Pick<EventStore, 'readStream'>;
  readonly audited: AuditedAppend;
  readonly cache?: StreamCache<PaymentState>;
}

/** On success: the order id, the payment's version and the position of its last event. */
export type PaymentOutcome =
  | { readonly ok: true; readonly orderId: string; readonly version: number; readonly position: number }
  | { readonly ok: false; readonly problem: ProblemData; readonly cause?: unknown };

/**
 * Load, decide, append: the application service of the Payment aggregate (one per tenant and
 * order), on the one command pipeline (`handleAggregateCommand`, ADR 0019): audited, a repeated
 * command id answered as its first run; the decider charges an order at most once.
 */
export async function handlePaymentCommand(
  ports: PaymentCommandPorts,
  command: PaymentCommand,
  meta: CommandMetadata,
  maxStorageBytes: number,
): Promise<PaymentOutcome> {
  const outcome = await handleAggregateCommand(PAYMENT_KIND, ports, command, meta, { maxStorageBytes });
  if (!outcome.ok) return outcome;
  return { ok: true, orderId: command.data.orderId, version: outcome.version, position: outcome.position };
}
