import { z } from 'zod';

export const ROLES = ['platform-admin', 'tenant-admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** The JWT claims the platform relies on (contract section 2). */
export const claimsSchema = z.object({
  sub: z.string().min(1),
  tenants: z.array(z.string().transform((id) => id.toLowerCase())).default([]),
  roles: z.array(z.string()).default([]),
});

export type Claims = z.infer<typeof claimsSchema>;

/** Roles that include another: a member may do what a viewer may. */
const implied: Record<Role, readonly Role[]> = {
  'platform-admin': ['platform-admin'],
  'tenant-admin': ['tenant-admin', 'member', 'viewer'],
  member: ['member', 'viewer'],
  viewer: ['viewer'],
};

export function hasRole(roles: readonly string[], needed: Role): boolean {
  return roles.some((role) => (implied[role as Role] ?? []).includes(needed));
}
