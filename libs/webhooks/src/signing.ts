import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Standard Webhooks (https://www.standardwebhooks.com): the signature is
// `v1,<base64 HMAC-SHA256 of "<id>.<unix seconds>.<body>">` keyed with the secret's bytes. The
// reference `standardwebhooks` package computes it, so sender and receivers agree by construction.

const SECRET_PREFIX = 'whsec_';
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const SECRET_BYTES = 32;

/** `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(random: (size: number) => Buffer = randomBytes): string {
  return SECRET_PREFIX + random(SECRET_BYTES).toString('base64');
}

/** Throws a TypeError unless `secret` is `whsec_` + base64 of 24 to 64 bytes. */
export function assertWebhookSecret(secret: unknown): asserts secret is string {
  const bytes =
    typeof secret === 'string' && SECRET.test(secret)
      ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64').length
      : 0;
  if (bytes < 24 || bytes > 64) {
    throw new TypeError('secret must be "whsec_" followed by the base64 of 24 to 64 bytes');
  }
}

export interface SignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The three Standard Webhooks headers for one attempt of message `msgId` sent at `sentAt`. */
export function signatureHeaders(
  secret: string,
  msgId: string,
  sentAt: Date,
  body: string,
): SignatureHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, sentAt, body),
  };
}
