// The data the webhooks lib stores and returns. Plain data: no behaviour, no classes.

/** A tenant's endpoint and the event types it wants. */
export interface WebhookSubscription {
  readonly id: string;
  readonly tenantId: string;
  /** Absolute `http:` or `https:` URL that receives the POSTs. */
  readonly url: string;
  /** Event types delivered to `url`; `'*'` matches every type. */
  readonly events: readonly string[];
  /** `whsec_` + base64 of 24 to 64 random bytes (Standard Webhooks); the receiver verifies with it. */
  readonly secret: string;
  readonly createdAt: Date;
  /** Set by a (soft) delete: nothing more is enqueued for the subscription, pending deliveries stop. */
  readonly disabledAt?: Date;
}

export interface NewWebhookSubscription {
  readonly url: string;
  readonly events: readonly string[];
  /** Generated when omitted. */
  readonly secret?: string;
}

/** An event to announce to a tenant's subscribers. */
export interface WebhookEvent {
  /** Unique per event; enqueueing the same id twice for a tenant changes nothing. */
  readonly id: string;
  readonly type: string;
  /** Any JSON value. */
  readonly data: unknown;
  readonly occurredAt: Date | string;
  /** The W3C `traceparent` of the event's trace: the delivery's attempts continue it. */
  readonly traceparent?: string;
}

/** What the receiver gets as the request body (JSON), signed as it is sent. */
export interface WebhookPayload {
  readonly type: string;
  /** When the event occurred (ISO 8601). */
  readonly timestamp: string;
  readonly data: unknown;
  /** The delivery's number within its subscription: 1, 2, 3 … without gaps. */
  readonly sequence: number;
  readonly tenantId: string;
  readonly eventId: string;
}

/**
 * `pending`: waiting for its next attempt (or in flight); `delivered`: a 2xx answer was received;
 * `dead`: the last attempt failed, on the dead-letter list; `cancelled`: its subscription was deleted.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

/** One event for one subscription. Its id is the `Webhook-Id`, the same on every retry. */
export interface WebhookDelivery {
  readonly id: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly sequence: number;
  readonly status: DeliveryStatus;
  /** Attempts made in the current round (a requeue starts a new round at 0). */
  readonly attempts: number;
  /** 1, plus one per requeue. */
  readonly round: number;
  readonly nextAttemptAt: Date;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** `unfinished`: in flight, or its dispatcher died during the attempt. */
export type AttemptOutcome = 'delivered' | 'retry' | 'dead' | 'unfinished';

/** One POST of a delivery, logged whatever its result. */
export interface WebhookAttempt {
  readonly deliveryId: string;
  readonly round: number;
  readonly attemptNo: number;
  readonly outcome: AttemptOutcome;
  /** The receiver's HTTP status; absent when no answer came (see `error`). */
  readonly statusCode?: number;
  /** Why no answer came (timeout, refused connection …). */
  readonly error?: string;
  readonly latencyMs?: number;
  readonly startedAt: Date;
}

/** What {@link WebhookQueue.enqueue} created: one delivery per matching subscription. */
export interface EnqueuedDelivery {
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly sequence: number;
}

export type RequeueResult =
  | { readonly ok: true; readonly delivery: WebhookDelivery }
  | { readonly ok: false; readonly reason: 'not-found' | 'not-dead' | 'subscription-disabled' };
