import { isUuid } from './ids';

/**
 * CloudEvents 1.0 attributes carried in Kafka headers (binary content mode), plus this platform's
 * extensions (contract section 6).
 */
export interface CloudEventAttributes {
  /** `ce_id`: unique, stable across redelivery; consumers deduplicate on it. */
  readonly id: string;
  /** `ce_type`: `<context>.<MessageType>`, e.g. `orders.OrderCreated`. */
  readonly type: string;
  /** `ce_source`: the producing service, e.g. `/command-service`. */
  readonly source: string;
  /** `ce_time`: ISO-8601. */
  readonly time: string;
  /** `ce_subject`: the aggregate id. */
  readonly subject: string;
  /** `ce_tenantid`: the tenant (UUID). Mandatory: a message without it goes to the DLQ. */
  readonly tenantId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** `ce_sequence`: the aggregate version after this event (events only). */
  readonly sequence?: number;
  readonly dataSchemaVersion: number;
  /** `ce_position`: the event's global position in the event store (events only). */
  readonly position?: number;
  /** `ce_actor`: who caused it (JWT `sub` or a service). */
  readonly actor?: string;
  /** `ce_replyto`: topic where the sender waits for the outcome of a command. */
  readonly replyTo?: string;
  /**
   * `ce_ifmatch`: a command's precondition on the aggregate's version, with the syntax and meaning
   * of HTTP `If-Match` (`"3"`, `"3", "4"` or `*`; see `parseEntityTagCondition`). Commands only;
   * the consumer validates it (a malformed one is refused as a 400, not dead-lettered).
   */
  readonly ifMatch?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export type HeaderValue = string | Uint8Array | (string | Uint8Array)[] | undefined;
export type RawHeaders = Readonly<Record<string, HeaderValue>>;

export const CONTENT_TYPE_JSON = 'application/json';

/** Headers as written to Kafka. Only defined attributes are written. */
export function encodeCloudEventHeaders(attributes: CloudEventAttributes): Record<string, string> {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: attributes.id,
    ce_type: attributes.type,
    ce_source: attributes.source,
    ce_time: attributes.time,
    ce_subject: attributes.subject,
    'content-type': CONTENT_TYPE_JSON,
    ce_tenantid: attributes.tenantId,
    ce_correlationid: attributes.correlationId,
    ce_causationid: attributes.causationId,
    ce_dataschemaversion: String(attributes.dataSchemaVersion),
  };
  if (attributes.sequence !== undefined) headers.ce_sequence = String(attributes.sequence);
  if (attributes.position !== undefined) headers.ce_position = String(attributes.position);
  if (attributes.actor !== undefined) headers.ce_actor = attributes.actor;
  if (attributes.replyTo !== undefined) headers.ce_replyto = attributes.replyTo;
  if (attributes.ifMatch !== undefined) headers.ce_ifmatch = attributes.ifMatch;
  if (attributes.traceparent !== undefined) headers.traceparent = attributes.traceparent;
  if (attributes.tracestate !== undefined) headers.tracestate = attributes.tracestate;
  return headers;
}

export interface HeaderProblem {
  readonly header: string;
  readonly message: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly attributes: CloudEventAttributes }
  | { readonly ok: false; readonly problems: readonly HeaderProblem[] };

const decoder = new TextDecoder();

/** One header value as text; a repeated header counts as its last value. */
export function headerText(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined) return undefined;
  return typeof last === 'string' ? last : decoder.decode(last);
}

/**
 * Reads and validates the CloudEvents headers of a Kafka message. Never throws: a message whose
 * headers are missing or malformed yields the list of problems, so the caller can dead-letter it.
 */
export function decodeCloudEventHeaders(headers: RawHeaders): DecodeResult {
  const problems: HeaderProblem[] = [];
  const required = (name: string): string => {
    const value = headerText(headers[name]);
    if (value === undefined || value === '') {
      problems.push({ header: name, message: 'missing' });
      return '';
    }
    return value;
  };
  const optional = (name: string): string | undefined => {
    const value = headerText(headers[name]);
    return value === undefined || value === '' ? undefined : value;
  };

  // a repeated attribute with two values is ambiguous (which tenant?): refused, never guessed
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce_') || !Array.isArray(value)) continue;
    const values = new Set(value.map((v) => (typeof v === 'string' ? v : decoder.decode(v))));
    if (values.size > 1) problems.push({ header: name, message: 'repeated with different values' });
  }
  const specVersion = required('ce_specversion');
  if (specVersion !== '' && specVersion !== '1.0') {
    problems.push({ header: 'ce_specversion', message: `unsupported version ${specVersion}` });
  }
  const tenantId = required('ce_tenantid');
  if (tenantId !== '' && !isUuid(tenantId)) {
    problems.push({ header: 'ce_tenantid', message: 'not a UUID' });
  }
  const id = required('ce_id');
  const type = required('ce_type');
  const source = required('ce_source');
  const time = required('ce_time');
  const subject = required('ce_subject');
  const correlationId = required('ce_correlationid');
  const causationId = required('ce_causationid');
  const schemaText = optional('ce_dataschemaversion') ?? '1';
  const dataSchemaVersion = Number(schemaText);
  if (!Number.isInteger(dataSchemaVersion) || dataSchemaVersion < 1) {
    problems.push({ header: 'ce_dataschemaversion', message: 'not a positive integer' });
  }
  const sequenceText = optional('ce_sequence');
  const sequence = sequenceText === undefined ? undefined : Number(sequenceText);
  if (sequence !== undefined && (!Number.isInteger(sequence) || sequence < 0)) {
    problems.push({ header: 'ce_sequence', message: 'not a non-negative integer' });
  }
  const positionText = optional('ce_position');
  const position = positionText === undefined ? undefined : Number(positionText);
  if (position !== undefined && (!Number.isSafeInteger(position) || position < 0)) {
    problems.push({ header: 'ce_position', message: 'not a non-negative integer' });
  }
  if (problems.length > 0) return { ok: false, problems };

  const actor = optional('ce_actor');
  const replyTo = optional('ce_replyto');
  const ifMatch = optional('ce_ifmatch');
  const traceparent = optional('traceparent');
  const tracestate = optional('tracestate');
  return {
    ok: true,
    attributes: {
      id,
      type,
      source,
      time,
      subject,
      tenantId: tenantId.toLowerCase(),
      correlationId,
      causationId,
      dataSchemaVersion,
      ...(sequence !== undefined && { sequence }),
      ...(position !== undefined && { position }),
      ...(actor !== undefined && { actor }),
      ...(replyTo !== undefined && { replyTo }),
      ...(ifMatch !== undefined && { ifMatch }),
      ...(traceparent !== undefined && { traceparent }),
      ...(tracestate !== undefined && { tracestate }),
    },
  };
}
