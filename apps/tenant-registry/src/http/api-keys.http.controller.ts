import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { createApiKeyBodySchema, parseOrThrow } from '@platform/contracts';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import { ApiKeys, publicView, type IssuedKey } from '../api-keys/api-keys';
import { PathTenants } from './path-tenants';
import { callerOf, claimsOf } from './request-caller';

/** A tenant's API keys (platform admins, or that tenant's admins): the key is shown once. */
@Controller('v1/tenants')
export class ApiKeysHttpController {
  constructor(
    private readonly keys: ApiKeys,
    private readonly tenants: PathTenants,
  ) {}

  @Post(':id/api-keys')
  @HttpCode(201)
  @Access({ scope: 'tenant-admin', param: 'id' })
  async create(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
  ): Promise<IssuedKey> {
    const input = parseOrThrow(createApiKeyBodySchema, body, 'the API key');
    const tenant = await this.tenants.administered(id, claimsOf(request));
    const issued = await this.keys.issue(
      tenant,
      { name: input.name, roles: [...new Set(input.roles)] },
      callerOf(request),
    );
    if (!issued.ok) throw refusalError(issued.refusal);
    return issued.value;
  }

  @Get(':id/api-keys')
  @Access({ scope: 'tenant-admin', param: 'id' })
  async list(@Param('id') id: string, @Req() request: IdentifiedRequest): Promise<{ items: object[] }> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    return { items: (await this.keys.list(tenant.id)).map(publicView) };
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  @Access({ scope: 'tenant-admin', param: 'id' })
  async revoke(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @Req() request: IdentifiedRequest,
  ): Promise<void> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    const revoked = await this.keys.revoke(tenant.id, keyId, callerOf(request));
    if (!revoked.ok) throw refusalError(revoked.refusal);
  }
}
