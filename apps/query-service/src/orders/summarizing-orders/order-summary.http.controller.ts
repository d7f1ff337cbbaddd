import { Controller, Get, Headers, Inject, Query } from '@nestjs/common';
import { summaryQuerySchema } from '@platform/contracts';
import { ORDER_VIEW_READER, READ_MODELS, type OrderViewReader, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import type { QueryServiceConfig } from '../../config';
import { waitForConsistency } from '../../consistency/wait-for-position';
import { parseQuery } from '../query-parameters';

/**
 * `GET /v1/orders/summary?from=&to=`: the caller's tenant's orders created in `[from, to)`, from the
 * hourly summary read model (never a scan of the orders): `totalOrders`, and per currency
 * `totalRevenue` and `averageOrderValue`, and the top skus by quantity.
 */
@Controller('v1/orders')
export class OrderSummaryHttpController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(ORDER_VIEW_READER) private readonly orders: OrderViewReader,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<QueryServiceConfig, 'CONSISTENCY_WAIT_MS'>,
  ) {}

  @Get('summary')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async summarize(
    @Query() query: unknown,
    @CurrentTenant() tenant: TenantContext,
    @Headers('x-consistency-token') consistencyToken: string | undefined,
  ) {
    const range = parseQuery(summaryQuerySchema, query);
    await waitForConsistency(
      this.readModels.positions,
      tenant.tenantId,
      consistencyToken,
      this.config.CONSISTENCY_WAIT_MS,
    );
    return { ...range, ...(await this.orders.summarize(tenant.tenantId, range)) };
  }
}
