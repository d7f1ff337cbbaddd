import type { Refusal } from '@platform/command-handling';

/**
 * The registry's own refusals; the `Refusal` type, its mapping to a problem (`refusalError`) and the
 * refusals every aggregate shares (`versionMismatch`, `changedConcurrently`) are
 * `@platform/command-handling`'s.
 */

/** How refusals name a tenant: `tenant <id>`. */
export const tenantSubject = (tenantId: string): string => `tenant ${tenantId}`;

export const slugTaken = (slug: string): Refusal => ({
  kind: 'conflict',
  code: 'slug-taken',
  detail: `the slug ${slug} is taken (a slug is never given to a second tenant)`,
});
