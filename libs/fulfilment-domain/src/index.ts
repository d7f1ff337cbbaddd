export * from './fulfilment.state';
export * from './fulfilment.saga';
