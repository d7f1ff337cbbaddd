import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ifNoneMatchHolds,
  isUuid,
  parseEntityTagCondition,
  ProblemError,
  versionETag,
} from '@platform/contracts';
import { ORDER_VIEW_READER, READ_MODELS, type OrderViewReader, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import type { QueryServiceConfig } from '../config';
import { waitForConsistency } from '../consistency/wait-for-position';
import { orderBody } from './order-body';

/**
 * Reads of the order read model, always in the caller's tenant (from the context the gateway signed,
 * ADR 0017; never from the URL or a bare header). An
 * order answers with `ETag: "<version>"`; `If-None-Match` with that tag is a `304` (ADR 0011).
 */
@Controller('v1/orders')
export class OrdersHttpController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(ORDER_VIEW_READER) private readonly orders: OrderViewReader,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<QueryServiceConfig, 'CONSISTENCY_WAIT_MS'>,
  ) {}

  @Get(':id')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async getOrder(
    @Param('id') id: string,
    @CurrentTenant() tenant: TenantContext,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('x-consistency-token') consistencyToken: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!isUuid(id)) {
      throw new ProblemError('validation', 'the order id must be a UUID', [
        { path: '/params/id', message: 'not a UUID' },
      ]);
    }
    await waitForConsistency(
      this.readModels.positions,
      tenant.tenantId,
      consistencyToken,
      this.config.CONSISTENCY_WAIT_MS,
    );
    const order = await this.orders.findOrder(tenant.tenantId, id.toLowerCase());
    // Another tenant's order is not in this tenant's schema: the same 404 as an unknown id.
    if (!order) throw new ProblemError('notFound', `order ${id} not found`);
    const etag = versionETag(order.version);
    if (ifNoneMatch !== undefined && notModified(ifNoneMatch, order.version)) {
      await reply.status(304).header('etag', etag).send();
      return;
    }
    await reply.header('etag', etag).send(orderBody(order));
  }
}

/** A malformed `If-None-Match` is ignored: the read answers in full, as without it. */
function notModified(ifNoneMatch: string, version: number): boolean {
  const parsed = parseEntityTagCondition(ifNoneMatch);
  return parsed.ok && !ifNoneMatchHolds(parsed.condition, version);
}
