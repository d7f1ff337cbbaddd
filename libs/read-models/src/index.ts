export * from './tenant-schema';
export * from './data-source';
export * from './provisioning';
export * from './orders/order-view.entity';
export * from './orders/order-projection';
export * from './orders/order-view.store';
export * from './read-models.provider';
