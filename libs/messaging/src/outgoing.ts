import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation, SpanKind, trace, type Context } from '@opentelemetry/api';
import { encodeCloudEventHeaders, type CloudEventAttributes } from '@platform/contracts';
import { TenantContextStore, type TenantContext } from '@platform/tenancy';

/** A message to publish: data plus the CloudEvents attributes that become its headers. */
export interface OutgoingMessage {
  /** Full topic name (prefix included). */
  readonly topic: string;
  /** Partition key: the aggregate id, so one aggregate's messages keep their order. */
  readonly key: string;
  /** The data only; serialized as JSON. */
  readonly value: unknown;
  readonly attributes: CloudEventAttributes;
}

export interface MessageDraft {
  readonly topic: string;
  /** `ce_type`, e.g. `orders.CreateOrder`. */
  readonly type: string;
  /** Aggregate id: `ce_subject` and the key. */
  readonly subject: string;
  readonly value: unknown;
  readonly source: string;
  readonly dataSchemaVersion: number;
  readonly id?: string;
  readonly time?: string;
  readonly sequence?: number;
  readonly position?: number;
  readonly replyTo?: string;
}

/**
 * Completes a draft with the tenant, correlation, causation and actor of the current
 * {@link TenantContext}: the only way tenant metadata gets onto an outgoing message.
 */
export function fromCurrentContext(
  draft: MessageDraft,
  tenant: TenantContext = TenantContextStore.require(),
): OutgoingMessage {
  return {
    topic: draft.topic,
    key: draft.subject,
    value: draft.value,
    attributes: {
      id: draft.id ?? randomUUID(),
      type: draft.type,
      source: draft.source,
      time: draft.time ?? new Date().toISOString(),
      subject: draft.subject,
      tenantId: tenant.tenantId,
      correlationId: tenant.correlationId,
      causationId: tenant.causationId,
      actor: tenant.actor,
      dataSchemaVersion: draft.dataSchemaVersion,
      ...(draft.sequence !== undefined && { sequence: draft.sequence }),
      ...(draft.position !== undefined && { position: draft.position }),
      ...(draft.replyTo !== undefined && { replyTo: draft.replyTo }),
    },
  };
}

const tracer = trace.getTracer('@platform/messaging');

/**
 * Runs `send` inside a PRODUCER span (`send <topic>`, OpenTelemetry messaging conventions 1.26+)
 * and returns the Kafka headers with that span's `traceparent`, so the consumer's span continues the
 * same trace. The span is a child of the active context (the request, the message being handled,
 * or the relay's stored trace); when spans are not sampled it is not recorded, but its
 * `traceparent` is still sent.
 */
export async function withProducerSpan<T>(
  messages: readonly OutgoingMessage[],
  send: (headers: readonly Record<string, string>[]) => Promise<T>,
): Promise<T> {
  const first = messages[0];
  const topic = topicsOf(messages);
  const span = tracer.startSpan(`send ${topic}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
      ...(messages.length > 1 && { 'messaging.batch.message_count': messages.length }),
      ...(first && {
        'tenant.id': first.attributes.tenantId,
        'messaging.kafka.message.key': first.key,
        'messaging.message.id': first.attributes.id,
      }),
    },
  });
  const spanContext: Context = trace.setSpan(otelContext.active(), span);
  try {
    // one span for all of them: the same trace headers on every message
    const traceHeaders: Record<string, string> = {};
    propagation.inject(spanContext, traceHeaders);
    const headers = messages.map((message) => ({
      ...encodeCloudEventHeaders(message.attributes),
      ...traceHeaders,
    }));
    return await otelContext.with(spanContext, () => send(headers));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: 2 });
    throw error;
  } finally {
    span.end();
  }
}

/** The topic, or the topics joined with a comma (a send to several). */
function topicsOf(messages: readonly OutgoingMessage[]): string {
  const topic = messages[0]?.topic ?? '';
  if (messages.every((message) => message.topic === topic)) return topic;
  return [...new Set(messages.map((message) => message.topic))].join(',');
}
