import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface OrderLineView {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: { readonly amount: string; readonly currency: string };
}

/** One order as the query side serves it, in the tenant's storage (see `storageOf`). */
@Entity({ name: 'orders' })
export class OrderView {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  status!: string;

  @Column('jsonb')
  items!: OrderLineView[];

  @Column('numeric', { name: 'total_amount', precision: 24, scale: 4 })
  totalAmount!: string;

  @Column('text', { nullable: true })
  currency!: string | null;

  @Column('int', { name: 'item_count' })
  itemCount!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('int')
  version!: number;

  @Column('bigint', { name: 'last_position' })
  lastPosition!: string;
}

/** Event ids already applied to this tenant's read models: the projection's idempotency record. */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('timestamptz', { name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
