export * from './config/config';
export * from './bootstrap';
export * from './tokens';
export * from './service-kit.module';
export * from './health/readiness';
export * from './http/problem-response';
export * from './http/problem.filter';
export {
  buildManagementServer,
  defaultManagementPort,
  MANAGEMENT_PORT_OFFSET,
} from './http/management-server';
export * from './health/readiness-answer';
export * from './main';
export * from './process-safety-net';
export * from './startup-dependencies';
export * from './tenancy/tenant-storage-ownership';
