import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { TENANT_ID_ATTRIBUTE } from './tenant-span-processor';

/**
 * Names the HTTP server span of the request in progress after its route template (`http.route`,
 * span name `POST /v1/orders/:orderId/confirm`): the HTTP instrumentation reads the route when the
 * response ends. Call it from a hook that runs in the request's context once the route is known.
 */
export function setHttpRoute(route: string | undefined): void {
  if (route === undefined) return;
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/**
 * Puts `tenant.id` on the HTTP server span of the request in progress: that span starts before
 * the request's tenant is known (the guard runs later), so it cannot take it from the context.
 */
export function setHttpTenant(tenantId: string | undefined): void {
  if (tenantId === undefined) return;
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP && metadata.span.isRecording())
    metadata.span.setAttribute(TENANT_ID_ATTRIBUTE, tenantId);
}
