import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from '@platform/contracts';
import type { DeadLetteredMessage, DeadLetterPage } from '@platform/messaging';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { operatorOf } from '../parking/operator';
import { DeadLetterOperations, type DeadLetterReplay } from './dead-letter-operations';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a topic name without the prefix');
const position = z.strictObject({
  topic: topicName,
  partition: z.coerce.number().int().min(0),
  offset: z.string().regex(/^\d{1,19}$/, 'an offset'),
});
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  from: z
    .string()
    .regex(/^\d{1,19}$/, 'an offset')
    .optional(),
});

/**
 * Operator routes for the Kafka dead-letter topics (ADR 0021), `platform-admin` only: `topic` is the
 * original topic without `KAFKA_TOPIC_PREFIX` (e.g. `orders.events` for `orders.events.dlq`).
 */
@Controller('v1/admin/dlq')
@Access({ scope: 'platform', role: 'platform-admin' })
export class DeadLettersHttpController {
  constructor(private readonly operations: DeadLetterOperations) {}

  @Get(':topic')
  async list(@Param() params: unknown, @Query() query: unknown): Promise<DeadLetterPage> {
    const { topic } = parseOrThrow(z.strictObject({ topic: topicName }), params, 'the path');
    const { limit, from } = parseOrThrow(listQuery, query, 'the query');
    return this.operations.list(topic, { limit, ...(from !== undefined && { fromOffset: from }) });
  }

  @Get(':topic/:partition/:offset')
  async show(@Param() params: unknown): Promise<DeadLetteredMessage> {
    const { topic, partition, offset } = parseOrThrow(position, params, 'the path');
    return this.operations.show(topic, partition, offset);
  }

  /** Sends the message back to the topic it was dead-lettered from, with an audit record. */
  @Post(':topic/:partition/:offset/replay')
  @HttpCode(200)
  async replay(@Param() params: unknown, @Req() request: IdentifiedRequest): Promise<DeadLetterReplay> {
    const { topic, partition, offset } = parseOrThrow(position, params, 'the path');
    return this.operations.replay(topic, partition, offset, operatorOf(request));
  }
}
