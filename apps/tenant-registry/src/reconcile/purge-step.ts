import { PLATFORM_TENANT_ID, type JsonValue } from '@platform/audit';
import { ceTypeOf, messageDefinition } from '@platform/contracts';
import type { ArchivedTenant } from '@platform/tenants-domain';
import type { PurgeReport } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import { setConditions } from '../registry/conditions';
import { purgeConditions, waitingFor } from './owner-conditions';
import type { StepOutcome } from './provision-step';
import { addToReport, summaryOf } from './purge-report';
import type { ReconcileDeps } from './reconcile-deps';

/** The `ce_type` of `TenantDeleted`, which webhook subscriptions name. */
const TENANT_DELETED = ceTypeOf(messageDefinition('tenants', 'TenantDeleted'));

/**
 * `archived → deleted`: asks every service that owns per-tenant storage to purge its own (read
 * models, parked messages, saga state, outbox and timers: ADR 0031) and waits until each reported
 * it purged, then purges what the registry itself holds, step by step, saving after each step what
 * it removed (a retried step adds what was left), then records `TenantDeleted` with the summary:
 * 1. its events (its own streams; its lifecycle stream belongs to the platform and stays),
 * 2. (the owners' reports: objects they removed)
 * 3. its webhook deliveries and dead letters, and its subscriptions, except those that want its
 *    last webhook (`TenantDeleted`): they are disabled, get that one delivery (enqueued with
 *    `TenantDeleted` itself, in its transaction), and go when it is done (the dispatcher),
 * 4. its API keys (revoked, and the revocations announced to every service),
 * 5. its quota usage counters,
 * 6. its Idempotency-Key records (the gateway's claims and kept answers of its requests),
 * 7. its audit chain, which records on the platform chain what was purged.
 * `TenantDeleted` is audited on the platform chain: the tenant's own is gone.
 */
export async function purgeStep(
  deps: ReconcileDeps,
  tenant: ArchivedTenant,
  startReport: PurgeReport,
  caller: Caller,
  attempt: number,
): Promise<StepOutcome> {
  const { db } = deps;
  const id = tenant.id;
  let report = startReport;
  const save = async (step: PurgeReport): Promise<void> => {
    report = addToReport(report, step);
    await db.tenants.savePurgeReport(id, report);
  };

  if (report.ownersAsked !== true) {
    await deps.storage.requestPurge(id, tenant.isolation, caller);
    await save({ ownersAsked: true });
  }
  const owners = await deps.storage.purged(id);
  if (owners.pending.length > 0) {
    return { waiting: [...purgeConditions(owners), waitingFor('Deleting', owners, attempt)] };
  }
  if (report.storage === undefined) {
    await save({
      readModels: owners.reported.reduce((sum, owner) => sum + (owner.purgedObjects ?? 0), 0),
      storage: owners.reported.map((owner) => `${owner.owner}: ${owner.purged}`).join('; ') || 'no owner',
    });
  }

  const events = await db.store.purgeTenant(id);
  await save({ events: events.events, streams: events.streams });

  const deadLetters = (await db.queue.listDeadLetters(id, { limit: 1000 })).length;
  const webhooks = await db.queue.retireTenant(id, TENANT_DELETED);
  await save({
    deadLetters,
    webhookSubscriptions: webhooks.subscriptions + webhooks.retiring,
    webhookDeliveries: webhooks.deliveries,
  });

  const revoked = await db.apiKeys.revokeAll(id, deps.now().toISOString());
  // Every revoked key again, not only those revoked now: a lost announcement is made up for.
  await deps.announcer.announce(await db.apiKeys.list(id));
  await save({ apiKeysRevoked: revoked.length });

  await save({ quotaCounters: await db.usage.purgeTenant(id) });

  await save({ idempotencyRecords: await db.idempotency.purgeTenant(id) });

  if (report.auditPurgeSequence === undefined) {
    const record = await db.audit.purgeTenant(id, {
      actor: caller.actor,
      requestId: caller.requestId,
      correlationId: caller.correlationId,
      purged: report as { [key: string]: JsonValue },
    });
    const chain = (record.previousState as { auditChain?: { records?: number } } | null)?.auditChain;
    await save({ auditPurgeSequence: record.sequence, auditRecords: chain?.records ?? 0 });
  }

  return deps.commands.execute(
    { type: 'DeleteTenant', data: { tenantId: id, purged: summaryOf(report) } },
    caller,
    {
      auditTenantId: PLATFORM_TENANT_ID,
      conditions: (conditions, now) => setConditions(conditions, purgeConditions(owners), now),
      within: async (tx, deleted, events) => {
        await db.tenants.completeDeletion(tx, id, deleted.updatedAt);
        // the tenant's last webhook, to the subscriptions kept for it: sent if and only if this commits
        for (const event of events.filter((e) => e.type === 'TenantDeleted')) {
          await db.queue.enqueueFarewell(
            id,
            {
              id: event.eventId,
              type: TENANT_DELETED,
              data: event.data,
              occurredAt: event.metadata.occurredAt,
            },
            { client: tx },
          );
        }
      },
    },
  );
}
