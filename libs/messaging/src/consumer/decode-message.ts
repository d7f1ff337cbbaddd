import { context as otelContext, propagation, type Context } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { decodeCloudEventHeaders, headerText, refusedJsonText, type RawHeaders } from '@platform/contracts';
import type { TenantContext } from '@platform/tenancy';
import type { ConsumedMessage } from './consumed-message';
import type { DeadLetterReason } from './dead-letter';

/** A message whose headers and value passed the checks: what a handler may see. */
export interface DecodedMessage {
  readonly raw: KafkaMessage;
  readonly message: ConsumedMessage;
  /** The producer's trace context (W3C `traceparent`), to continue or to link to. */
  readonly producerContext: Context;
}

export type Decoding =
  | { readonly ok: true; readonly decoded: DecodedMessage }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly why: string };

/**
 * Decodes the CloudEvents headers (a valid `ce_tenantid` among them) and the JSON value of a
 * message; a message failing either must be dead-lettered and never reach a handler.
 */
export function decodeMessage(topic: string, partition: number, raw: KafkaMessage): Decoding {
  const headers = (raw.headers ?? {}) as RawHeaders;
  const decoded = decodeCloudEventHeaders(headers);
  if (!decoded.ok) {
    const why = decoded.problems.map((p) => `${p.header}: ${p.message}`).join('; ');
    return { ok: false, reason: 'invalid-headers', why };
  }
  let value: unknown = null;
  if (raw.value !== null) {
    // not UTF-8, nested too deep to handle, or holding what PostgreSQL cannot store (issue 9)
    const refused = refusedJsonText(raw.value);
    if (refused !== undefined)
      return { ok: false, reason: 'invalid-payload', why: `value refused: ${refused}` };
    try {
      value = JSON.parse(raw.value.toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid-payload', why: 'value is not JSON' };
    }
  }
  const message: ConsumedMessage = {
    topic,
    partition,
    offset: raw.offset,
    key: raw.key?.toString() ?? '',
    value,
    attributes: decoded.attributes,
  };
  const producerContext = propagation.extract(otelContext.active(), {
    traceparent: headerText(headers.traceparent),
    tracestate: headerText(headers.tracestate),
  });
  return { ok: true, decoded: { raw, message, producerContext } };
}

/**
 * The tenant context a message's handling runs in: the message's tenant and correlation, and the
 * message itself as the cause of whatever the handling sends. A batch handler, which gets messages
 * of several tenants at once and no ambient context, runs per-message work inside it:
 *
 * @example
 * await TenantContextStore.run(tenantContextOf(message), () => publishFollowUp(message));
 */
export function tenantContextOf(message: ConsumedMessage): TenantContext {
  const { attributes } = message;
  return {
    tenantId: attributes.tenantId,
    actor: attributes.actor ?? attributes.source,
    roles: [],
    correlationId: attributes.correlationId,
    causationId: attributes.id,
  };
}
