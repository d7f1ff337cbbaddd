import { SetMetadata } from '@nestjs/common';
import type { Role } from '../claims';
import type { AccessMode } from '../tenant-resolution';

/** How a route may be reached. Every route declares one; the guard refuses routes that do not. */
export type AccessRule =
  | { readonly scope: 'public' }
  /** Any valid credentials; the service behind checks the rest (the gateway's control-plane pass-through). */
  | { readonly scope: 'authenticated' }
  | { readonly scope: 'platform'; readonly role: Role }
  /**
   * A platform admin, or a `tenant-admin` of the tenant named by the path parameter `param`
   * (id or slug): `/v1/tenants/{id}/api-keys` and `/webhooks`.
   */
  | { readonly scope: 'tenant-admin'; readonly param: string }
  | { readonly scope: 'tenant'; readonly role: Role; readonly mode: AccessMode };

export const ACCESS_RULE = 'tenancy:access-rule';

export const Access = (rule: AccessRule): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, rule);
