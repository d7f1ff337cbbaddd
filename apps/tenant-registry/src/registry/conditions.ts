/**
 * One aspect of a tenant's progress, in the Kubernetes style: `Provisioned`, `Ready`, `Deleting`,
 * `StorageWithinQuota`, and one `Storage/<owner>` per service that owns per-tenant storage (what
 * that owner reported: `Provisioned`, `Purged`, or still pending; ADR 0031).
 * `lastTransitionTime` moves only when `status` changes; `attempts` counts the controller's tries.
 */
export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly attempts?: number;
}

export type ConditionType = 'Provisioned' | 'Ready' | 'Deleting' | 'StorageWithinQuota' | `Storage/${string}`;

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** `conditions` with `update` in place of the condition of its type (or added), as of `now`. */
export function setCondition(
  conditions: readonly Condition[],
  update: ConditionUpdate,
  now: string,
): Condition[] {
  const current = conditions.find((condition) => condition.type === update.type);
  const lastTransitionTime =
    current !== undefined && current.status === update.status ? current.lastTransitionTime : now;
  const attempts = update.attempts ?? current?.attempts;
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime,
    ...(attempts !== undefined && { attempts }),
  };
  return current === undefined
    ? [...conditions, next]
    : conditions.map((condition) => (condition.type === update.type ? next : condition));
}

export const setConditions = (
  conditions: readonly Condition[],
  updates: readonly ConditionUpdate[],
  now: string,
): Condition[] =>
  updates.reduce<Condition[]>((list, update) => setCondition(list, update, now), [...conditions]);
