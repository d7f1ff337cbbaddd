import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isUuid, ProblemError } from '@platform/contracts';
import { READ_MODELS, type ReadModels } from '@platform/read-models';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';

/** Reads of the order read model, always in the caller's tenant (from the token, not the URL). */
@Controller('v1/orders')
export class OrdersHttpController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  @Get(':id')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async getOrder(
    @Param('id') id: string,
    @CurrentTenant() tenant: TenantContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!isUuid(id)) {
      throw new ProblemError('validation', 'the order id must be a UUID', [
        { path: '/params/id', message: 'not a UUID' },
      ]);
    }
    const order = await this.readModels.orders.findOrder(tenant.tenantId, id.toLowerCase());
    // Another tenant's order is not in this tenant's schema: the same 404 as an unknown id.
    if (!order) throw new ProblemError('notFound', `order ${id} not found`);
    await reply.header('etag', `"${order.version}"`).send({
      id: order.id,
      customerId: order.customerId,
      status: order.status,
      items: order.items,
      totalAmount: order.totalAmount,
      currency: order.currency,
      itemCount: order.itemCount,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      version: order.version,
    });
  }
}
