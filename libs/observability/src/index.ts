export * from './tracing/tracing';
export * from './tracing/trace-id';
export { samplerFromEnv, exportsSpans } from './tracing/sampler-from-env';
export { TenantSpanProcessor, TENANT_ID_ATTRIBUTE } from './tracing/tenant-span-processor';
export * from './metrics';
export * from './logger';
export { setHttpRoute, setHttpTenant } from './tracing/http-server-span';
export * from './tenant-labels';
