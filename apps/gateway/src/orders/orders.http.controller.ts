import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  addOrderItemBodySchema,
  cancelOrderBodySchema,
  confirmOrderBodySchema,
  createOrderBodySchema,
  ifMatchOfHeader,
  isUuid,
  messageDefinition,
  parseOrThrow,
  ProblemError,
  Topics,
  versionETag,
  type EntityTagCondition,
} from '@platform/contracts';
import { PendingClaims } from '@platform/idempotency';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import { CommandBus } from '../commands/command-bus';
import { Upstreams } from '../upstream/upstreams.provider';

interface Appended {
  readonly orderId: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The order routes of the public API: commands go to Kafka, reads to the query service. A command
 * on an existing order takes `If-Match: "<version>"` (ADR 0011): the gateway only checks its syntax
 * (400) and sends it along as `ce_ifmatch`; the command service compares it with the order's
 * version (412). Answers carry the order's new `ETag`.
 *
 * Under an `Idempotency-Key`, the command's id and a new order's id are the ones every retry of the
 * request repeats (ADR 0010): a retry after a timeout cannot create a second order or add an item
 * twice, the command service answers it as it answered the first.
 */
@Controller('v1/orders')
export class OrdersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly upstreams: Upstreams,
    private readonly claims: PendingClaims,
  ) {}

  @Post()
  @HttpCode(201)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async createOrder(
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Appended> {
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const { customerId } = parseOrThrow(createOrderBodySchema, body, 'the order');
    const ids = this.claims.idsFor(request);
    const orderId = ids('order');
    const result = await this.commands.send<Appended>({
      commandId: ids('command'),
      type: 'orders.CreateOrder',
      topic: Topics.ordersCommands,
      aggregateId: orderId,
      data: { orderId, customerId },
      schemaVersion: messageDefinition('orders', 'CreateOrder').schemaVersion,
      // Entity tags name a version of the collection, which has none: ignored. `*` asks for an
      // order that exists, which a new one never does: the command service refuses it (412).
      ...(ifMatch?.kind === 'any' && { ifMatch }),
    });
    void reply.header('location', `/v1/orders/${orderId}`).header('etag', versionETag(result.version));
    return { orderId: result.orderId, version: result.version, position: result.position };
  }

  @Post(':id/items')
  @HttpCode(200)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async addItem(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<Appended, 'orderId'>> {
    const orderId = orderIdOf(id);
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const item = parseOrThrow(addOrderItemBodySchema, body, 'the item');
    return this.orderCommand(request, reply, 'AddOrderItem', { orderId, ...item }, ifMatch);
  }

  /**
   * `202`: the order is `confirmed` when this answers; the fulfilment saga then reserves, charges
   * and ships on its own (follow it with `GET /v1/orders/{id}`). An empty order is a `409`.
   */
  @Post(':id/confirm')
  @HttpCode(202)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async confirm(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<Appended, 'orderId'>> {
    const orderId = orderIdOf(id);
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const { paymentToken } = parseOrThrow(confirmOrderBodySchema, body, 'the confirmation');
    return this.orderCommand(request, reply, 'ConfirmOrder', { orderId, paymentToken }, ifMatch);
  }

  /**
   * `200`: the order is `cancelled` (reason `customer`, the only one a client may give) when this
   * answers; what the saga holds for it (a reservation, a charge) is given back after, on its own.
   */
  @Post(':id/cancel')
  @HttpCode(200)
  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  async cancel(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<Appended, 'orderId'>> {
    const orderId = orderIdOf(id);
    const ifMatch = ifMatchOfHeader(ifMatchHeader);
    const { reason } = parseOrThrow(cancelOrderBodySchema, body, 'the cancellation');
    return this.orderCommand(request, reply, 'CancelOrder', { orderId, reason }, ifMatch);
  }

  /** A page of the tenant's orders; the query string goes along as it came (the query service checks it). */
  @Get()
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async listOrders(
    @CurrentTenant() tenant: TenantContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.upstreams.queries.forward(request, reply, `/v1/orders${queryOf(request)}`, tenant);
  }

  // Declared before `:id`, which must not take "summary" for an order id.
  @Get('summary')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async summarizeOrders(
    @CurrentTenant() tenant: TenantContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.upstreams.queries.forward(request, reply, `/v1/orders/summary${queryOf(request)}`, tenant);
  }

  @Get(':id/history')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async orderHistory(
    @Param('id') id: string,
    @CurrentTenant() tenant: TenantContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const orderId = orderIdOf(id);
    await this.upstreams.queries.forward(request, reply, `/v1/orders/${orderId}/history`, tenant);
  }

  @Get(':id')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async getOrder(
    @Param('id') id: string,
    @CurrentTenant() tenant: TenantContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const orderId = orderIdOf(id);
    await this.upstreams.queries.forward(request, reply, `/v1/orders/${orderId}`, tenant);
  }

  /** Sends a command on an existing order; answers its new version, with the order's `ETag`. */
  private async orderCommand<D extends { readonly orderId: string }>(
    request: FastifyRequest,
    reply: FastifyReply,
    type: 'AddOrderItem' | 'ConfirmOrder' | 'CancelOrder',
    data: D,
    ifMatch: EntityTagCondition | undefined,
  ): Promise<Omit<Appended, 'orderId'>> {
    const result = await this.commands.send<Appended>({
      commandId: this.claims.idsFor(request)('command'),
      type: `orders.${type}`,
      topic: Topics.ordersCommands,
      aggregateId: data.orderId,
      data,
      schemaVersion: messageDefinition('orders', type).schemaVersion,
      ...(ifMatch && { ifMatch }),
    });
    void reply.header('etag', versionETag(result.version));
    return { version: result.version, position: result.position };
  }
}

/** The request's query string as the caller sent it (`?…`), or nothing. */
function queryOf(request: FastifyRequest): string {
  const start = request.url.indexOf('?');
  return start === -1 ? '' : request.url.slice(start);
}

function orderIdOf(id: string): string {
  if (!isUuid(id)) {
    throw new ProblemError('validation', 'the order id must be a UUID', [
      { path: '/params/id', message: 'not a UUID' },
    ]);
  }
  return id.toLowerCase();
}
