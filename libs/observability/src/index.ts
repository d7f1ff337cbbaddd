export * from './tracing';
export * from './metrics';
export * from './logger';
export * from './trace-id';
