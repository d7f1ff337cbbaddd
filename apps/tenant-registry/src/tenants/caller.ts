/** Who asks for a change, and as part of what: copied into event metadata and the audit record. */
export interface Caller {
  /** JWT `sub`, `api-key:<id>`, or `service:tenant-controller`. */
  readonly actor: string;
  readonly requestId: string;
  readonly correlationId: string;
  /** The request or message that caused the change. */
  readonly causationId: string;
  readonly traceparent?: string;
}

export const CONTROLLER_ACTOR = 'service:tenant-controller';
