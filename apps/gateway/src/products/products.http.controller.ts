import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createProductBodySchema,
  ifMatchOfHeader,
  messageDefinition,
  parseOrThrow,
  ProblemError,
  restockProductBodySchema,
  SKU_PATTERN,
  Topics,
  versionETag,
} from '@platform/contracts';
import { PendingClaims } from '@platform/idempotency';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import { CommandBus } from '../commands/command-bus';
import { Upstreams } from '../upstream/upstreams.provider';

interface Appended {
  readonly sku: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The product routes of the public API (contract §5): commands go to Kafka (`inventory.commands`,
 * keyed by sku), reads to the query service. A product is one tenant's: the same sku in another
 * tenant is another product. `If-Match` and `Idempotency-Key` as on the order routes (ADR 0010,
 * 0011): a restock with `If-Match: "<version>"` is refused (412) when the product moved since.
 */
@Controller('v1/products')
export class ProductsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly upstreams: Upstreams,
    private readonly claims: PendingClaims,
  ) {}

  @Post()
  @HttpCode(201)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async createProduct(
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Appended> {
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const product = parseOrThrow(createProductBodySchema, body, 'the product');
    const result = await this.commands.send<Appended>({
      commandId: this.claims.idsFor(request)('command'),
      type: 'inventory.CreateProduct',
      topic: Topics.inventoryCommands,
      aggregateId: product.sku,
      data: product,
      schemaVersion: messageDefinition('inventory', 'CreateProduct').schemaVersion,
      // As for a new order: `*` asks for a product that exists, which a new one never does (412).
      ...(ifMatch?.kind === 'any' && { ifMatch }),
    });
    void reply
      .header('location', `/v1/products/${encodeURIComponent(product.sku)}`)
      .header('etag', versionETag(result.version));
    return { sku: result.sku, version: result.version, position: result.position };
  }

  @Post(':sku/restock')
  @HttpCode(200)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async restock(
    @Param('sku') sku: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<Appended, 'sku'>> {
    const checked = skuOf(sku);
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const { quantity } = parseOrThrow(restockProductBodySchema, body, 'the restock');
    const result = await this.commands.send<Appended>({
      commandId: this.claims.idsFor(request)('command'),
      type: 'inventory.RestockProduct',
      topic: Topics.inventoryCommands,
      aggregateId: checked,
      data: { sku: checked, quantity },
      schemaVersion: messageDefinition('inventory', 'RestockProduct').schemaVersion,
      ...(ifMatch && { ifMatch }),
    });
    void reply.header('etag', versionETag(result.version));
    return { version: result.version, position: result.position };
  }

  @Get(':sku')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async getProduct(
    @Param('sku') sku: string,
    @CurrentTenant() tenant: TenantContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.upstreams.queries.forward(request, reply, `/v1/products/${skuOf(sku)}`, tenant);
  }
}

function skuOf(sku: string): string {
  if (!SKU_PATTERN.test(sku)) {
    throw new ProblemError('validation', 'the sku is not valid', [
      { path: '/params/sku', message: 'letters, digits, ".", "_" or "-", at most 64' },
    ]);
  }
  return sku;
}
