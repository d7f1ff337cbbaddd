import type { FieldError, ProblemKind } from '@platform/contracts';

/**
 * An expected business failure, as a value. `kind` is a contracts {@link ProblemKind}, so the
 * transport maps every rejection to its HTTP status in one place: a refused transition is a
 * `conflict` (409), input outside the rules a `validation` (400) with field errors.
 */
export interface TenantRejection {
  readonly kind: Extract<ProblemKind, 'conflict' | 'notFound' | 'validation'>;
  readonly code: TenantRejectionCode;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

export type TenantRejectionCode =
  | 'tenant-not-found'
  | 'tenant-already-exists'
  | 'invalid-transition'
  | 'immutable-field'
  | PolicyRejectionCode;

/** A request outside the placement or naming policy: always a `validation` problem, with its field. */
export interface PolicyRejection extends TenantRejection {
  readonly kind: 'validation';
  readonly code: PolicyRejectionCode;
  readonly errors: readonly FieldError[];
}

export type PolicyRejectionCode = 'region-out-of-policy' | 'slug-invalid' | 'slug-reserved';

/** What a command does to a tenant, in the words of a refusal: "cannot <action> a tenant that is …". */
export type TenantAction =
  'activate' | 'suspend' | 'resume' | 'archive' | 'delete' | 'change the plan of' | 'apply a manifest to';

export const tenantNotFound = (tenantId: string): TenantRejection => ({
  kind: 'notFound',
  code: 'tenant-not-found',
  detail: `Tenant ${tenantId} does not exist`,
});

export const tenantAlreadyExists = (tenantId: string): TenantRejection => ({
  kind: 'conflict',
  code: 'tenant-already-exists',
  detail: `Tenant ${tenantId} already exists; a tenant id is never reused`,
});

export const invalidTransition = (action: TenantAction, status: string): TenantRejection => ({
  kind: 'conflict',
  code: 'invalid-transition',
  detail: `cannot ${action} a tenant that is ${status}`,
});

export const immutableFields = (changes: readonly string[]): TenantRejection => ({
  kind: 'conflict',
  code: 'immutable-field',
  detail: `a manifest cannot change an existing tenant's ${changes.join(', ')}`,
});

export const policyRejection = (
  code: PolicyRejectionCode,
  detail: string,
  path: string,
  message: string,
): PolicyRejection => ({ kind: 'validation', code, detail, errors: [{ path, message }] });
