import { PUBLIC_ROUTES } from '@platform/contracts';
import { openApiDocument, type OpenApiDocument } from '../openapi-document';
import { operationKey, PLATFORM_OPERATIONS } from './platform-operations';

/** The platform's public API (`PUBLIC_ROUTES`) as an OpenAPI 3.1 document, served at `/openapi.json`. */
export function platformApiDocument(): OpenApiDocument {
  return openApiDocument({
    title: 'tenantflow',
    version: '1',
    description:
      'A multi-tenant, event-sourced platform. Errors are `application/problem+json` (RFC 9457). ' +
      'Authenticate with `Authorization: Bearer <JWT>` or `X-API-Key`.',
    routes: PUBLIC_ROUTES,
    operationOf: (route) => PLATFORM_OPERATIONS[operationKey(route)],
  });
}
