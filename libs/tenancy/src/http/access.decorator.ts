import { SetMetadata } from '@nestjs/common';
import type { Role } from '../claims';
import type { AccessMode } from '../tenant-resolution';

/** How a route may be reached. Every route declares one; the guard refuses routes that do not. */
export type AccessRule =
  | { readonly scope: 'public' }
  | { readonly scope: 'platform'; readonly role: Role }
  | { readonly scope: 'tenant'; readonly role: Role; readonly mode: AccessMode };

export const ACCESS_RULE = 'tenancy:access-rule';

export const Access = (rule: AccessRule): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, rule);
