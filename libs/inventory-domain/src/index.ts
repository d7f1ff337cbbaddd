export * from './product.state';
export * from './product.rejections';
export * from './product.decider';
