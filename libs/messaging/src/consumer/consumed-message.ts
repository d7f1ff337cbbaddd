import type { CloudEventAttributes } from '@platform/contracts';

/** A message as a handler sees it: headers decoded and checked, value parsed from JSON. */
export interface ConsumedMessage<T = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: T;
  readonly attributes: CloudEventAttributes;
}

export type MessageHandler = (message: ConsumedMessage) => Promise<void>;

/** Why a message that reached its handler is about to be dead-lettered. */
export interface HandlerFailure {
  /** `invalid-payload` for a {@link NonRetriableError}, else `handler-failed`. */
  readonly reason: 'invalid-payload' | 'handler-failed';
  /** The last error's message, as the DLQ's `dlq_error` header carries it. */
  readonly error: string;
  /** Attempts made. */
  readonly attempts: number;
}

/**
 * Runs before a message that failed its handler goes to the DLQ: a consumer records what it must
 * (e.g. the projection parks the message's aggregate). If it throws, it is attempted again with
 * backoff; if it keeps failing, the batch fails and the message is redelivered (it is neither
 * dead-lettered nor committed without it).
 */
export type BeforeDeadLetter = (message: ConsumedMessage, failure: HandlerFailure) => Promise<void>;

/** Thrown by a handler for a message that no retry can help (bad payload): dead-lettered at once. */
export class NonRetriableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetriableError';
  }
}

/** What a batch handler is told about the call besides the messages. */
export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  /** 1 for the first attempt of these messages. */
  readonly attempt: number;
  /**
   * True when the call holds one message with attempts of its own, dead-lettered if they fail: a
   * chunk of one, or a failed batch's messages handled one by one so that the failing one is
   * dead-lettered alone.
   */
  readonly isolated: boolean;
  /**
   * Counts this consumer's group joins (1 after the first): it changes whenever partitions may have
   * moved between instances, so a handler that keeps what it learnt about its partitions (say, that
   * nothing of theirs is parked) knows when to learn it again. Before the first batch of a new
   * assignment is handled, the number has already changed.
   */
  readonly assignment: number;
}

/**
 * Handles the valid messages of one partition's batch at once, in offset order (so one key's
 * messages in order), possibly of several tenants: each message carries its own tenant in
 * `attributes.tenantId`, and there is no ambient tenant context (use `tenantContextOf(message)` for
 * per-message work that needs one). Must be idempotent per message (`ce_id`): a failed call is
 * retried whole, and part of it may have taken effect.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[], context: BatchContext) => Promise<void>;
