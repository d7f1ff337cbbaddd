export * from './given-when-then';
export * from './probes';
export * from './infra';
export * from './tracing';
export * from './service-process';
export * from './postgres';
export * from './platform';
export * from './kafka';
