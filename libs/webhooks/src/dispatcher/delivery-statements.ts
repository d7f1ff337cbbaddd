import type { QueryConfig } from 'pg';
import { type NextStep, type PostResult, errorOf } from './attempt-outcome';

// The dispatcher's two statements. `s` is the quoted schema.

/** A claimed delivery with what is needed to send it; `sequence` is a bigint, hence text. */
export interface ClaimedRow {
  id: string;
  tenant_id: string;
  subscription_id: string;
  sequence: string;
  body: string;
  round: number;
  /** The number of the attempt about to be made. */
  attempts: number;
  url: string;
  secret: string;
  /** The subscription is a deleted tenant's, kept only for its last webhook. */
  retire_when_drained: boolean;
  /** The event's trace, continued by the attempt's span. */
  traceparent: string | null;
}

/**
 * Claims up to `limit` due deliveries in one statement: rows locked by another dispatcher's claim are
 * skipped (`for update skip locked`), each claimed row gets the next attempt number, the claim token
 * and a lease (`next_attempt_at = leaseUntil`, so nobody else takes it until the lease runs out), and
 * its attempt is logged as started.
 */
export function claimStatement(
  s: string,
  now: Date,
  limit: number,
  leaseUntil: Date,
  token: string,
): QueryConfig {
  return {
    text: `
with due as (
  select id from ${s}.deliveries
   where status = 'pending' and next_attempt_at <= $1
   order by next_attempt_at
   limit $2
   for update skip locked
), claimed as (
  update ${s}.deliveries d
     set attempts = d.attempts + 1, next_attempt_at = $3, claim_token = $4, updated_at = $1
    from due, ${s}.subscriptions sub
   where d.id = due.id and sub.id = d.subscription_id
  returning d.id, d.tenant_id, d.subscription_id, d.sequence, d.body, d.round, d.attempts, sub.url, sub.secret,
            sub.retire_when_drained, d.traceparent
), started as (
  insert into ${s}.attempts (delivery_id, tenant_id, round, attempt_no, started_at)
  select id, tenant_id, round, attempts, $1 from claimed
)
select * from claimed`,
    values: [now, limit, leaseUntil, token],
  };
}

const statusAfter = { delivered: 'delivered', retry: 'pending', dead: 'dead' } as const;

/**
 * Records the attempt's result and moves the delivery on, in one statement. The delivery changes only
 * if this claim still holds it (same token, still pending): an attempt that outlived its lease, or
 * whose subscription was deleted meanwhile, is logged but decides nothing.
 */
export function completeStatement(
  s: string,
  claimed: ClaimedRow,
  token: string,
  result: PostResult,
  step: NextStep,
  latencyMs: number,
  now: Date,
): QueryConfig {
  const statusCode = result.kind === 'response' ? result.statusCode : null;
  const error = errorOf(result);
  const nextAttemptAt = step.outcome === 'retry' ? step.nextAttemptAt : null;
  return {
    text: `
with finished as (
  update ${s}.attempts set outcome = $5, status_code = $6, error = $7, latency_ms = $8
   where delivery_id = $1 and round = $2 and attempt_no = $3
)
update ${s}.deliveries
   set status = $9, next_attempt_at = coalesce($10, next_attempt_at), claim_token = null,
       last_status_code = $6, last_error = $7, updated_at = $11
 where id = $1 and claim_token = $4 and status = 'pending'`,
    values: [
      claimed.id,
      claimed.round,
      claimed.attempts,
      token,
      step.outcome,
      statusCode,
      error,
      latencyMs,
      statusAfter[step.outcome],
      nextAttemptAt,
      now,
    ],
  };
}

/**
 * Removes a retiring subscription (a deleted tenant's, kept for its last webhook) and everything of
 * its deliveries, once none of them is pending; does nothing otherwise. Run in one transaction:
 * the subscription's row lock orders concurrent dispatchers finishing its last deliveries.
 */
export async function removeIfRetiredAndDrained(
  client: { query: (text: string, values: unknown[]) => Promise<{ rowCount: number | null }> },
  s: string,
  subscriptionId: string,
): Promise<boolean> {
  const drained = await client.query(
    `select 1 from ${s}.subscriptions sub
      where sub.id = $1 and sub.retire_when_drained
        and not exists (select 1 from ${s}.deliveries d where d.subscription_id = sub.id and d.status = 'pending')
      for update`,
    [subscriptionId],
  );
  if ((drained.rowCount ?? 0) === 0) return false;
  const ofItsDeliveries = `delivery_id in (select id from ${s}.deliveries where subscription_id = $1)`;
  await client.query(`delete from ${s}.attempts where ${ofItsDeliveries}`, [subscriptionId]);
  await client.query(`delete from ${s}.requeues where ${ofItsDeliveries}`, [subscriptionId]);
  await client.query(`delete from ${s}.deliveries where subscription_id = $1`, [subscriptionId]);
  await client.query(`delete from ${s}.subscriptions where id = $1`, [subscriptionId]);
  return true;
}
