export * from './openapi-document';
export * from './reference-page';
export * from './platform/platform-api';
export { PLATFORM_OPERATIONS, operationKey } from './platform/platform-operations';
export * from './platform/response.schemas';
export * from './response-conformance';
