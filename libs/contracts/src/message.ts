/**
 * Messages are plain data. A command states an intent (imperative name), an event a fact
 * (PascalCase, past tense). Time, ids, tenant and correlation travel in metadata, never in the
 * domain's own logic.
 */
export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** What every command and event carries besides its data. */
export interface MessageMetadata {
  /** Unique id of this message (`ce_id`); stable across redelivery. */
  readonly messageId: string;
  readonly tenantId: string;
  /** Id shared by everything one request caused. */
  readonly correlationId: string;
  /** Id of the message that caused this one. */
  readonly causationId: string;
  /** Subject of the authenticated caller (`sub`), or a service name. */
  readonly actor: string;
  /** ISO-8601 instant the message was created. */
  readonly occurredAt: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}
