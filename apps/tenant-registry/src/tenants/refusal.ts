import {
  ProblemError,
  versionMismatchDetail,
  type EntityTagCondition,
  type FieldError,
  type ProblemKind,
} from '@platform/contracts';

/**
 * An expected failure, as a value: a domain rejection (its `kind` is a problem kind) or one of the
 * registry's own (a slug taken, a quota reached). Turned into a problem+json answer in one place.
 */
export interface Refusal {
  readonly kind: ProblemKind;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly headers?: Readonly<Record<string, string>>;
}

export const refusalProblem = (refusal: Refusal): ProblemError =>
  new ProblemError(refusal.kind, refusal.detail, refusal.errors, refusal.headers);

export const slugTaken = (slug: string): Refusal => ({
  kind: 'conflict',
  code: 'slug-taken',
  detail: `the slug ${slug} is taken (a slug is never given to a second tenant)`,
});

/** `If-Match` named another version of the tenant than the one it is at: 412 (ADR 0011). */
export const versionMismatch = (tenant: string, ifMatch: EntityTagCondition, version: number): Refusal => ({
  kind: 'versionMismatch',
  code: 'version-mismatch',
  detail: versionMismatchDetail(`tenant ${tenant}`, ifMatch, version),
});

export const changedConcurrently = (tenantId: string): Refusal => ({
  kind: 'conflict',
  code: 'changed-concurrently',
  detail: `tenant ${tenantId} changed concurrently; retry`,
});
