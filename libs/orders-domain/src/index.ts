export * from './decider';
export * from './order.state';
export * from './order.rejections';
export * from './create-order';
export * from './add-order-item';
export * from './order.decider';
export * from './order-total';
