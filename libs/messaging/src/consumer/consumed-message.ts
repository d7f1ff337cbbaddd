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

/** Thrown by a handler for a message that no retry can help (bad payload): dead-lettered at once. */
export class NonRetriableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetriableError';
  }
}
