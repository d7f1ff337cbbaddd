import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { parseOrThrow, subscribeWebhookBodySchema } from '@platform/contracts';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import { deliveryView, view, WebhookAdmin } from '../webhooks/webhook-admin';
import { PathTenants } from './path-tenants';
import { callerOf, claimsOf } from './request-caller';

/**
 * A tenant's webhooks (platform admins, or that tenant's admins): subscriptions to event types
 * (`ce_type`, e.g. `tenants.TenantSuspended`, or `*`), and the dead letters of their deliveries.
 */
@Controller('v1/tenants')
export class WebhooksHttpController {
  constructor(
    private readonly webhooks: WebhookAdmin,
    private readonly tenants: PathTenants,
  ) {}

  /** The secret that signs the deliveries is shown here, and only here. */
  @Post(':id/webhooks')
  @HttpCode(201)
  @Access({ scope: 'tenant-admin', param: 'id' })
  async subscribe(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
  ): Promise<object> {
    const input = parseOrThrow(subscribeWebhookBodySchema, body, 'the webhook');
    const tenant = await this.tenants.administered(id, claimsOf(request));
    const created = await this.webhooks.subscribe(tenant, input, callerOf(request));
    if (!created.ok) throw refusalError(created.refusal);
    return { ...view(created.value), secret: created.value.secret };
  }

  @Get(':id/webhooks')
  @Access({ scope: 'tenant-admin', param: 'id' })
  async list(@Param('id') id: string, @Req() request: IdentifiedRequest): Promise<{ items: object[] }> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    return { items: (await this.webhooks.list(tenant.id)).map(view) };
  }

  @Delete(':id/webhooks/:webhookId')
  @HttpCode(204)
  @Access({ scope: 'tenant-admin', param: 'id' })
  async unsubscribe(
    @Param('id') id: string,
    @Param('webhookId') webhookId: string,
    @Req() request: IdentifiedRequest,
  ): Promise<void> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    const deleted = await this.webhooks.unsubscribe(tenant.id, webhookId, callerOf(request));
    if (!deleted.ok) throw refusalError(deleted.refusal);
  }

  /** Deliveries that failed every attempt, oldest first. */
  @Get(':id/webhooks/dead-letters')
  @Access({ scope: 'tenant-admin', param: 'id' })
  async deadLetters(
    @Param('id') id: string,
    @Req() request: IdentifiedRequest,
  ): Promise<{ items: object[] }> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    return { items: (await this.webhooks.deadLetters(tenant.id)).map(deliveryView) };
  }

  /** Sends a dead letter again (a new round of attempts, the same `Webhook-Id`). */
  @Post(':id/webhooks/dead-letters/:deliveryId/requeue')
  @HttpCode(200)
  @Access({ scope: 'tenant-admin', param: 'id' })
  async requeue(
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
    @Req() request: IdentifiedRequest,
  ): Promise<object> {
    const tenant = await this.tenants.administered(id, claimsOf(request));
    const requeued = await this.webhooks.requeue(tenant.id, deliveryId, callerOf(request));
    if (!requeued.ok) throw refusalError(requeued.refusal);
    return deliveryView(requeued.value);
  }
}
