import { ceTypeOf, messageDefinition, type MessageDefinition } from '@platform/contracts';
import type { FulfilmentCommand } from '@platform/fulfilment-domain';

/** Where and how a saga command is sent: what an outbox row stores besides its ids. */
export interface CommandRouting {
  /** `ce_type`, e.g. `inventory.ReserveStock`. */
  readonly type: string;
  /** Base topic (no prefix) from the contracts registry, e.g. `inventory.commands`. */
  readonly topic: string;
  /** Partition key and `ce_subject`: the target aggregate (sku for inventory, the order otherwise). */
  readonly key: string;
  readonly dataSchemaVersion: number;
}

const CONTEXT_OF: Record<FulfilmentCommand['type'], MessageDefinition['context']> = {
  RecordOrderReservation: 'orders',
  RecordOrderPayment: 'orders',
  ShipOrder: 'orders',
  CancelOrder: 'orders',
  ReserveStock: 'inventory',
  ReleaseStock: 'inventory',
  CommitStock: 'inventory',
  ChargePayment: 'payments',
  RefundPayment: 'payments',
};

/** The topic, type and key of a saga command, from the contracts registry. */
export function routingOf(command: FulfilmentCommand): CommandRouting {
  const definition = messageDefinition(CONTEXT_OF[command.type], command.type);
  const key = 'sku' in command.data ? command.data.sku : command.data.orderId;
  return {
    type: ceTypeOf(definition),
    topic: definition.topic,
    key,
    dataSchemaVersion: definition.schemaVersion,
  };
}
