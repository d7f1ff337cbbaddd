import { counter, histogram } from '@platform/observability';

export type ReconcilePhase = 'provision' | 'delete';

export const reconcileAttempts = counter(
  'tenant_reconcile_attempts_total',
  'Tenant controller attempts, by phase and outcome',
  ['phase', 'outcome'],
);

export const reconcileSeconds = histogram(
  'tenant_reconcile_seconds',
  'Duration of one tenant controller attempt',
  ['phase'],
  [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
);

export const provisioningSeconds = histogram(
  'tenant_provisioning_seconds',
  "Time from a tenant's creation until every owner reported its storage provisioned, by isolation mode",
  ['isolation'],
  [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
);
