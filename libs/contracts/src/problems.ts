/**
 * The catalogue of problem types (RFC 9457) the platform answers with. One place maps a failure
 * to its HTTP status; services reply with these over Kafka too.
 */
export const PROBLEM_BASE = 'https://tenantflow.dev/problems/';

export const ProblemTypes = {
  validation: { slug: 'validation', status: 400, title: 'The request is not valid' },
  unauthorized: { slug: 'unauthorized', status: 401, title: 'Authentication required' },
  forbidden: { slug: 'forbidden', status: 403, title: 'Not allowed' },
  tenantForbidden: { slug: 'tenant-forbidden', status: 403, title: 'Tenant not allowed for this caller' },
  tenantSuspended: { slug: 'tenant-suspended', status: 403, title: 'Tenant is suspended' },
  tenantArchived: { slug: 'tenant-archived', status: 403, title: 'Tenant is archived' },
  tenantNotActive: { slug: 'tenant-not-active', status: 403, title: 'Tenant is not active yet' },
  notFound: { slug: 'not-found', status: 404, title: 'Resource not found' },
  conflict: { slug: 'conflict', status: 409, title: 'The request conflicts with the current state' },
  versionMismatch: { slug: 'version-mismatch', status: 412, title: 'Version does not match' },
  payloadTooLarge: { slug: 'payload-too-large', status: 413, title: 'Request body too large' },
  uriTooLong: { slug: 'uri-too-long', status: 414, title: 'Request target too long' },
  unsupportedMediaType: { slug: 'unsupported-media-type', status: 415, title: 'Unsupported media type' },
  unprocessable: {
    slug: 'idempotency-key-reused',
    status: 422,
    title: 'Idempotency key reused with another body',
  },
  rateLimited: { slug: 'rate-limited', status: 429, title: 'Too many requests' },
  quotaExceeded: { slug: 'quota-exceeded', status: 429, title: "The plan's quota is used up" },
  headersTooLarge: { slug: 'headers-too-large', status: 431, title: 'Request headers too large' },
  internal: { slug: 'internal', status: 500, title: 'Internal error' },
  unavailable: { slug: 'service-unavailable', status: 503, title: 'A dependency is unavailable' },
  timeout: { slug: 'timeout', status: 504, title: 'Timed out waiting for an answer' },
} as const;

export type ProblemKind = keyof typeof ProblemTypes;

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A problem as data: what services return and send; the HTTP layer adds instance and traceId. */
export interface ProblemData {
  readonly kind: ProblemKind;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /**
   * HTTP headers the answer carries, lower-case, e.g. `retry-after` of a 429 or 503. A service may
   * set them in its Kafka reply; the gateway passes on the {@link REPLY_PROBLEM_HEADERS}.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers a problem received in a Kafka reply may set on the HTTP answer (see
 * {@link ProblemError.fromReply}); any other is dropped.
 */
export const REPLY_PROBLEM_HEADERS = ['retry-after', 'ratelimit-policy', 'ratelimit'] as const;

export const problemTypeUri = (kind: ProblemKind): string => PROBLEM_BASE + ProblemTypes[kind].slug;

/** Outcome of a command, sent back on the requester's reply topic. */
export type CommandReply<Result = unknown> =
  { readonly ok: true; readonly result: Result } | { readonly ok: false; readonly problem: ProblemData };

/**
 * A failure that is part of the contract (a 4xx, or a 503 for a dependency). Thrown only at the
 * edges (guards, transport adapters); domain code returns {@link ProblemData} values instead.
 */
export class ProblemError extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'ProblemError';
  }

  static from(problem: ProblemData): ProblemError {
    return new ProblemError(problem.kind, problem.detail, problem.errors, problem.headers);
  }

  /** A problem a service sent back in a Kafka reply, keeping only the {@link REPLY_PROBLEM_HEADERS}. */
  static fromReply(problem: ProblemData): ProblemError {
    const headers = Object.fromEntries(
      REPLY_PROBLEM_HEADERS.flatMap((name) => {
        const value: unknown = problem.headers?.[name];
        return typeof value === 'string' ? [[name, value] as const] : [];
      }),
    );
    const kept = Object.keys(headers).length > 0 ? headers : undefined;
    return new ProblemError(problem.kind, problem.detail, problem.errors, kept);
  }

  toData(): ProblemData {
    return {
      kind: this.kind,
      detail: this.detail,
      ...(this.errors && { errors: this.errors }),
      ...(this.headers && { headers: this.headers }),
    };
  }
}
