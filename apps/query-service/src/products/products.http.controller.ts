import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ifNoneMatchHolds,
  parseEntityTagCondition,
  ProblemError,
  SKU_PATTERN,
  versionETag,
} from '@platform/contracts';
import { PRODUCT_VIEWS, READ_MODELS, type ProductViewStore, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import type { QueryServiceConfig } from '../config';
import { waitForPosition } from '../consistency/wait-for-position';

/**
 * Reads of the product read model, in the caller's tenant (the context the gateway signed, ADR
 * 0017): `{sku, name, available, reserved}` with `ETag: "<version>"` (the product stream's version,
 * what `If-Match` on a restock names); `If-None-Match` with it is a `304`; `X-Consistency-Token`
 * waits for the position of a command's answer (ADR 0012). Another tenant's product is a `404`, as
 * an unknown sku.
 */
@Controller('v1/products')
export class ProductsHttpController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(PRODUCT_VIEWS) private readonly products: ProductViewStore,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<QueryServiceConfig, 'CONSISTENCY_WAIT_MS'>,
  ) {}

  @Get(':sku')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async getProduct(
    @Param('sku') sku: string,
    @CurrentTenant() tenant: TenantContext,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('x-consistency-token') consistencyToken: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!SKU_PATTERN.test(sku)) {
      throw new ProblemError('validation', 'the sku is not valid', [
        { path: '/params/sku', message: 'not a sku' },
      ]);
    }
    if (consistencyToken !== undefined) {
      await waitForPosition(
        this.readModels.positions,
        tenant.tenantId,
        consistencyToken,
        this.config.CONSISTENCY_WAIT_MS,
      );
    }
    const product = await this.products.findProduct(tenant.tenantId, sku);
    if (!product) throw new ProblemError('notFound', `product ${sku} not found`);
    const etag = versionETag(product.version);
    const condition = ifNoneMatch === undefined ? undefined : parseEntityTagCondition(ifNoneMatch);
    if (condition?.ok && !ifNoneMatchHolds(condition.condition, product.version)) {
      await reply.status(304).header('etag', etag).send();
      return;
    }
    const { name, available, reserved } = product;
    await reply.header('etag', etag).send({ sku: product.sku, name, available, reserved });
  }
}
