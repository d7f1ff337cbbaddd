import { Controller, Get, Headers, Inject, Query } from '@nestjs/common';
import { listOrdersQuerySchema, ProblemError } from '@platform/contracts';
import { ORDER_VIEW_READER, READ_MODELS, type OrderViewReader, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import type { QueryServiceConfig } from '../../config';
import { waitForConsistency } from '../../consistency/wait-for-position';
import { orderBody } from '../order-body';
import { parseQuery } from '../query-parameters';
import { OrderCursorCodec } from './order-cursor';

/**
 * `GET /v1/orders`: a page of the caller's tenant's orders, newest first, `{items, nextCursor}`.
 * `nextCursor` continues the same list (same filters) after the page's last order; new orders come
 * before the first page and never shift or repeat the later ones. `null` on the last page.
 */
@Controller('v1/orders')
export class ListOrdersHttpController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(ORDER_VIEW_READER) private readonly orders: OrderViewReader,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<QueryServiceConfig, 'CONSISTENCY_WAIT_MS'>,
    private readonly cursors: OrderCursorCodec,
  ) {}

  @Get()
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async listOrders(
    @Query() query: unknown,
    @CurrentTenant() tenant: TenantContext,
    @Headers('x-consistency-token') consistencyToken: string | undefined,
  ) {
    const { customerId, status, limit, cursor } = parseQuery(listOrdersQuerySchema, query);
    const scope = { tenantId: tenant.tenantId, customerId, status };
    const decoded = cursor === undefined ? undefined : this.cursors.decode(cursor, scope);
    if (decoded && !decoded.ok) {
      throw new ProblemError('validation', 'the cursor is not one this list gave out', [
        {
          path: '/query/cursor',
          message:
            decoded.reason === 'forged'
              ? 'altered, or from another list (other filters or tenant)'
              : 'not a cursor',
        },
      ]);
    }
    await waitForConsistency(
      this.readModels.positions,
      tenant.tenantId,
      consistencyToken,
      this.config.CONSISTENCY_WAIT_MS,
    );
    const page = await this.orders.listOrders(tenant.tenantId, {
      limit,
      ...(customerId !== undefined && { customerId }),
      ...(status !== undefined && { status }),
      ...(decoded?.ok && { after: decoded.key }),
    });
    return {
      items: page.items.map(orderBody),
      nextCursor: page.next ? this.cursors.encode(page.next, scope) : null,
    };
  }
}
