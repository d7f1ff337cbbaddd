export * from './payment.state';
export * from './payment.decider';
export * from './payment-provider.port';
