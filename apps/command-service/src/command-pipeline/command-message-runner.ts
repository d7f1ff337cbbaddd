import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  fieldErrors,
  findMessageDefinition,
  parseEntityTagCondition,
  type EntityTagCondition,
  type MessageDefinition,
  type ProblemData,
  type TenantSnapshot,
} from '@platform/contracts';
import { MESSAGING, NonRetriableError, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { currentTraceHeaders, tenantLabel, type Logger } from '@platform/observability';
import { SERVICE_LOGGER } from '@platform/service-kit';
import { statusRefusal, TenantContextStore, TenantDirectory } from '@platform/tenancy';
import type { CommandMetadata } from './command-metadata';
import { quotaRefusalsTotal } from '@platform/quotas';
import { commandOutcome, commandSeconds, commandsHandled, quotaOf } from './command-metrics';

/** What running a command gave: the requester's result, or the problem it gets (and its cause, for the log). */
export type CommandRun =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly problem: ProblemData; readonly cause?: unknown };

/** A command as the service received it: its type and data, checked against the registry. */
export interface ReceivedCommand {
  readonly type: string;
  readonly data: unknown;
}

/**
 * What every command topic's Kafka adapter does around its aggregate's handler: check the message
 * against the contracts registry (a malformed one is answered `400` and dead-lettered), enforce the
 * tenant's status (contract §2: a suspended tenant's writes are refused), build the command's
 * metadata from the message (its `ce_id` is the command id, ADR 0010; `ce_ifmatch`, ADR 0011), run
 * it, and answer the requester when the message asks for an answer (`ce_replyto`; the saga's
 * commands do not). No business rule lives here.
 */
@Injectable()
export class CommandMessageRunner {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly directory: TenantDirectory,
  ) {}

  async run<C extends ReceivedCommand>(
    message: ConsumedMessage,
    context: MessageDefinition['context'],
    handle: (command: C, meta: CommandMetadata, tenant: TenantSnapshot) => Promise<CommandRun>,
  ): Promise<void> {
    const started = performance.now();
    const parsed = parseCommand(message, context);
    if (!parsed.ok) {
      // the type is not a known one (or not valid): not a label value
      const tenant = tenantLabel(TenantContextStore.current()?.tenantId);
      commandsHandled.inc({ tenant, type: 'invalid', outcome: 'invalid' });
      await this.messaging.reply(message, { ok: false, problem: parsed.problem });
      throw new NonRetriableError(parsed.problem.detail);
    }
    const tenant = TenantContextStore.require();
    const known = await this.activeTenant(tenant.tenantId);
    if (!known.ok) {
      this.count(tenant.tenantId, parsed.command.type, known.refusal, started);
      await this.messaging.reply(message, { ok: false, problem: known.refusal });
      throw new NonRetriableError(`${known.refusal.kind}: ${known.refusal.detail}`);
    }
    const traceparent = currentTraceHeaders().traceparent ?? message.attributes.traceparent;
    const meta: CommandMetadata = {
      tenantId: tenant.tenantId,
      correlationId: tenant.correlationId,
      causationId: message.attributes.id,
      actor: tenant.actor,
      now: () => new Date().toISOString(),
      newId: randomUUID,
      // the events continue this handling's trace: the relay publishes them under it (ADR 0027)
      ...(traceparent !== undefined && { traceparent }),
      ...(parsed.ifMatch !== undefined && { ifMatch: parsed.ifMatch }),
    };
    const outcome = await handle(parsed.command as C, meta, known.tenant);
    this.count(tenant.tenantId, parsed.command.type, outcome.ok ? undefined : outcome.problem, started);
    if (!outcome.ok) {
      if (outcome.cause !== undefined) {
        this.logger.error(
          { err: outcome.cause, tenantId: tenant.tenantId, type: parsed.command.type },
          `${context} command not written: answered unavailable`,
        );
      }
      await this.messaging.reply(message, { ok: false, problem: outcome.problem });
      return;
    }
    // Appended = accepted: the relay publishes the events; the reply does not wait for it.
    await this.messaging.reply(message, { ok: true, result: outcome.result });
  }

  private count(tenantId: string, type: string, problem: ProblemData | undefined, started: number): void {
    const outcome = commandOutcome(problem);
    const tenant = tenantLabel(tenantId);
    commandsHandled.inc({ tenant, type, outcome });
    commandSeconds.observe({ type, outcome }, (performance.now() - started) / 1_000);
    if (problem?.kind === 'quotaExceeded') quotaRefusalsTotal.inc({ tenant, quota: quotaOf(problem) });
  }

  /** The contract's tenant-status rule, enforced on commands that arrive on Kafka; the plan's quotas. */
  private async activeTenant(
    tenantId: string,
  ): Promise<{ ok: true; tenant: TenantSnapshot } | { ok: false; refusal: ProblemData }> {
    const known = this.directory.byTenantId(tenantId);
    // A command can reach us a moment before the activation that let the gateway accept it.
    const tenant =
      known?.status === 'active'
        ? known
        : await this.directory.waitFor(tenantId, (t) => t.status !== 'draft', 2_000);
    const refusal = statusRefusal(tenant?.status, 'write');
    if (refusal || tenant === undefined) {
      return { ok: false, refusal: refusal ?? { kind: 'tenantNotActive', detail: 'unknown tenant' } };
    }
    return { ok: true, tenant };
  }
}

/** The command of `context` and its `ce_ifmatch` precondition (ADR 0011); a malformed one is a 400. */
export function parseCommand(
  message: ConsumedMessage,
  context: MessageDefinition['context'],
):
  { ok: true; command: ReceivedCommand; ifMatch?: EntityTagCondition } | { ok: false; problem: ProblemData } {
  const definition = findMessageDefinition(message.attributes.type);
  if (!definition || definition.kind !== 'command' || definition.context !== context) {
    return {
      ok: false,
      problem: { kind: 'validation', detail: `unknown command type ${message.attributes.type}` },
    };
  }
  const data = definition.schema.safeParse(message.value);
  if (!data.success) {
    return {
      ok: false,
      problem: {
        kind: 'validation',
        detail: `${definition.name} is not valid`,
        errors: fieldErrors(data.error),
      },
    };
  }
  const ifMatchText = message.attributes.ifMatch;
  const ifMatch = ifMatchText === undefined ? undefined : parseEntityTagCondition(ifMatchText);
  if (ifMatch && !ifMatch.ok) {
    return {
      ok: false,
      problem: {
        kind: 'validation',
        detail: 'the ce_ifmatch precondition is malformed',
        errors: [{ path: '/headers/ce_ifmatch', message: ifMatch.message }],
      },
    };
  }
  return {
    ok: true,
    command: { type: definition.name, data: data.data },
    ...(ifMatch && { ifMatch: ifMatch.condition }),
  };
}
