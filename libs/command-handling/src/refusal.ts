import {
  ProblemError,
  versionMismatchDetail,
  type EntityTagCondition,
  type FieldError,
  type ProblemData,
  type ProblemKind,
} from '@platform/contracts';

/**
 * An expected failure of a command, as a value (STYLE 12): a domain rejection (every domain's
 * rejection type fits it) or one of a service's own (a quota used up, a slug taken, a stream that
 * kept changing). `kind` picks the problem type and so the HTTP status; `code` is the finer reason
 * that audit records keep.
 */
export interface Refusal {
  readonly kind: ProblemKind;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /** Headers the answer carries, lower-case, e.g. `retry-after` of a 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The one mapping of a refusal to a problem: kind, detail, field errors and headers; the code stays
 * in the audit record.
 */
export const refusalProblem = (refusal: Refusal): ProblemData => ({
  kind: refusal.kind,
  detail: refusal.detail,
  ...(refusal.errors && { errors: refusal.errors }),
  ...(refusal.headers && { headers: refusal.headers }),
});

/** {@link refusalProblem} as the error an HTTP edge throws (its exception filter answers it). */
export const refusalError = (refusal: Refusal): ProblemError => ProblemError.from(refusalProblem(refusal));

/**
 * `If-Match` named another version than the one `subject` is at: 412 (ADR 0011).
 *
 * @example versionMismatch('the order', atVersion(1), 2) // "the order is at version 2 (ETag "2"); …"
 */
export const versionMismatch = (subject: string, ifMatch: EntityTagCondition, version: number): Refusal => ({
  kind: 'versionMismatch',
  code: 'version-mismatch',
  detail: versionMismatchDetail(subject, ifMatch, version),
});

/** The aggregate kept changing under the command, attempt after attempt: 409, the requester may retry. */
export const changedConcurrently = (subject: string): Refusal => ({
  kind: 'conflict',
  code: 'changed-concurrently',
  detail: `${subject} changed concurrently; retry`,
});
