import { createHash } from 'node:crypto';

/**
 * The `ce_id` of the `index`-th command the saga issued in answer to input `inputId` of a tenant:
 * a UUID derived from the three (SHA-256, RFC 9562 version 8 layout), so that it is the same on
 * every publish of the outbox row (a re-publish after a crash is deduplicated by the command
 * service's command-id dedupe) and even if the input were ever handled again.
 *
 * @example
 * commandIdOf('6d1c…', 'b0f3…', 0); // '3f9a…-…-8…-…'
 */
export function commandIdOf(tenantId: string, inputId: string, index: number): string {
  const bytes = createHash('sha256').update(`saga-command\n${tenantId}\n${inputId}\n${index}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8: custom
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The input id of a fired deadline: one per order and due time (deduplicated like an event's `ce_id`). */
export const deadlineInputIdOf = (orderId: string, dueAt: string): string => `deadline:${orderId}:${dueAt}`;
