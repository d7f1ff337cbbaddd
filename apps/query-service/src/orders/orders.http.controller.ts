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
    if (consistencyToken !== undefined) await this.waitForPosition(tenant.tenantId, consistencyToken);
    const order = await this.orders.findOrder(tenant.tenantId, id.toLowerCase());
    // Another tenant's order is not in this tenant's schema: the same 404 as an unknown id.
    if (!order) throw new ProblemError('notFound', `order ${id} not found`);
    const etag = versionETag(order.version);
    if (ifNoneMatch !== undefined && notModified(ifNoneMatch, order.version)) {
      await reply.status(304).header('etag', etag).send();
      return;
    }
    await reply.header('etag', etag).send({
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

  /**
   * `X-Consistency-Token: <position>` (from a command's answer): waits until this tenant's read
   * models have seen the event at that position, up to `CONSISTENCY_WAIT_MS`, then lets the read
   * answer; past the bound, 504. Only the tenant's own positions count: another tenant's token is
   * never seen here, and waits out the bound like a position not reached yet.
   */
  private async waitForPosition(tenantId: string, token: string): Promise<void> {
    if (!CONSISTENCY_TOKEN.test(token)) {
      throw new ProblemError(
        'validation',
        'X-Consistency-Token must be a position (a non-negative integer)',
        [{ path: '/headers/x-consistency-token', message: 'not a position' }],
      );
    }
    const position = Number(token);
    const waitMs = this.config.CONSISTENCY_WAIT_MS;
    if (!(await this.readModels.positions.waitUntilSeen(tenantId, position, waitMs))) {
      throw new ProblemError(
        'timeout',
        `the read model has not seen position ${position} within ${waitMs} ms; retry`,
      );
    }
  }
}

/** A position from a command's answer: a non-negative integer of at most 15 digits. */
const CONSISTENCY_TOKEN = /^\d{1,15}$/;

/** A malformed `If-None-Match` is ignored: the read answers in full, as without it. */
function notModified(ifNoneMatch: string, version: number): boolean {
  const parsed = parseEntityTagCondition(ifNoneMatch);
  return parsed.ok && !ifNoneMatchHolds(parsed.condition, version);
}
