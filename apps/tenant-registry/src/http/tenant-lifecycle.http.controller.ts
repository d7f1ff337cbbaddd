import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { parseOrThrow, suspendTenantBodySchema, type TenantCommand } from '@platform/contracts';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import type { TenantRecord } from '../registry/tenant-record';
import { TenantCommands } from '../tenants/tenant-commands';
import { PathTenants } from './path-tenants';
import { callerOf } from './request-caller';
import { ifMatchOf, withETag } from './tenant-preconditions';

/** Resume and archive take no fields; a body, if sent, is an empty object. */
const emptyBody = z.strictObject({});

export const DEFAULT_SUSPEND_REASON = 'suspended by a platform admin';

/**
 * Lifecycle transitions (platform admins); a transition the lifecycle refuses is a 409, one on a
 * tenant at another version than `If-Match` names a 412 (ADR 0011). Answers carry the new `ETag`.
 */
@Controller('v1/tenants')
export class TenantLifecycleHttpController {
  constructor(
    private readonly commands: TenantCommands,
    private readonly tenants: PathTenants,
  ) {}

  /** `active → suspended`; body `{reason?}`. Its writes are refused from then on, its reads answer. */
  @Post(':id/suspend')
  @HttpCode(200)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async suspend(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantRecord> {
    const { reason } = parseOrThrow(suspendTenantBodySchema, body ?? {}, 'the suspension');
    return this.transition(id, request, reply, (tenantId) => ({
      type: 'SuspendTenant',
      data: { tenantId, reason: reason ?? DEFAULT_SUSPEND_REASON },
    }));
  }

  /** `suspended → active`. */
  @Post(':id/resume')
  @HttpCode(200)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async resume(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantRecord> {
    parseOrThrow(emptyBody, body ?? {}, 'the resumption');
    return this.transition(id, request, reply, (tenantId) => ({ type: 'ResumeTenant', data: { tenantId } }));
  }

  /** `active | suspended → archived`: deleting it is the only step left. */
  @Post(':id/archive')
  @HttpCode(200)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async archive(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantRecord> {
    parseOrThrow(emptyBody, body ?? {}, 'the archival');
    return this.transition(id, request, reply, (tenantId) => ({ type: 'ArchiveTenant', data: { tenantId } }));
  }

  private async transition(
    id: string,
    request: IdentifiedRequest,
    reply: FastifyReply,
    command: (tenantId: string) => TenantCommand,
  ): Promise<TenantRecord> {
    const ifMatch = ifMatchOf(request);
    const tenant = await this.tenants.find(id);
    const change = await this.commands.execute(command(tenant.id), callerOf(request), {
      auditRefusal: true,
      ...(ifMatch && { ifMatch }),
    });
    if (!change.ok) throw refusalError(change.refusal);
    return withETag(reply, change.tenant);
  }
}
