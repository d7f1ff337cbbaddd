import { SLUG_PATTERN } from '@platform/contracts';
import { policyRejection, type PolicyRejection } from './tenant.rejections';

/**
 * Slugs that name the platform's own hosts and paths (`<slug>.tenantflow.dev`, `/v1/<slug>`), so no
 * tenant may take them.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'auth',
  'console',
  'dashboard',
  'docs',
  'help',
  'internal',
  'login',
  'mail',
  'metrics',
  'platform',
  'root',
  'static',
  'status',
  'support',
  'system',
  'tenant',
  'tenants',
  'www',
]);

export type SlugCheck =
  { readonly ok: true; readonly slug: string } | { readonly ok: false; readonly rejection: PolicyRejection };

/**
 * A slug is DNS-safe (`^[a-z][a-z0-9-]{2,62}$`, and like a DNS label it does not end with "-") and
 * not reserved. Uniqueness across tenants is the registry's, which holds every slug ever taken.
 */
export function checkSlug(slug: string): SlugCheck {
  if (!SLUG_PATTERN.test(slug) || slug.endsWith('-')) {
    return {
      ok: false,
      rejection: policyRejection(
        'slug-invalid',
        `the slug ${JSON.stringify(slug)} is not valid`,
        '/slug',
        'lower-case letters, digits and "-", 3 to 63, starting with a letter and not ending with "-"',
      ),
    };
  }
  if (RESERVED_SLUGS.has(slug)) {
    return {
      ok: false,
      rejection: policyRejection(
        'slug-reserved',
        `the slug ${slug} is reserved`,
        '/slug',
        'reserved by the platform',
      ),
    };
  }
  return { ok: true, slug };
}
