import { TENANT_STATUSES, type TenantCommand, type TenantEvent } from '@platform/contracts';
import { specFor } from '@platform/testing';
import {
  activated,
  archived,
  commands,
  created,
  deleted,
  history,
  manifestApplied,
  planUpdated,
  renamingManifest,
  resumed,
  type StateName,
  suspended,
  tenantId,
} from './tenant.fixtures';
import type { TenantRejection } from './tenant.rejections';
import { tenantDecider } from './tenant.decider';

const spec = specFor(tenantDecider);

type CommandType = TenantCommand['type'];

const STATES: readonly StateName[] = ['none', ...TENANT_STATUSES];
const COMMAND_TYPES = Object.keys(commands) as CommandType[];

/**
 * The lifecycle of contract section 4 as a state × command table: the only cells where a command
 * is accepted, with exactly what it records. Every other cell is refused; the matrix below is
 * generated from this table, so no pair is left out.
 */
const ACCEPTED: { readonly [K in CommandType]: Partial<Record<StateName, readonly TenantEvent[]>> } = {
  CreateTenant: { none: [created] },
  ActivateTenant: { draft: [activated] },
  SuspendTenant: { active: [suspended(3)] },
  ResumeTenant: { suspended: [resumed(4)] },
  ArchiveTenant: { active: [archived('active', 3)], suspended: [archived('suspended', 4)] },
  DeleteTenant: { archived: [deleted(4)] },
  ChangePlan: {
    draft: [planUpdated('draft', 2)],
    active: [planUpdated('active', 3)],
    suspended: [planUpdated('suspended', 4)],
  },
  ApplyManifest: {
    draft: [manifestApplied('draft', 2, renamingManifest)],
    active: [manifestApplied('active', 3, renamingManifest)],
    suspended: [manifestApplied('suspended', 4, renamingManifest)],
  },
};

/** How a refusal reads: "cannot <action> a tenant that is <status>". */
const ACTIONS: Readonly<Record<Exclude<CommandType, 'CreateTenant'>, string>> = {
  ActivateTenant: 'activate',
  SuspendTenant: 'suspend',
  ResumeTenant: 'resume',
  ArchiveTenant: 'archive',
  DeleteTenant: 'delete',
  ChangePlan: 'change the plan of',
  ApplyManifest: 'apply a manifest to',
};

function expectedRefusal(state: StateName, type: CommandType): TenantRejection {
  if (type === 'CreateTenant') {
    return {
      kind: 'conflict',
      code: 'tenant-already-exists',
      detail: `Tenant ${tenantId} already exists; a tenant id is never reused`,
    };
  }
  if (state === 'none') {
    return { kind: 'notFound', code: 'tenant-not-found', detail: `Tenant ${tenantId} does not exist` };
  }
  return {
    kind: 'conflict',
    code: 'invalid-transition',
    detail: `cannot ${ACTIONS[type]} a tenant that is ${state}`,
  };
}

const cells = STATES.flatMap((state) => COMMAND_TYPES.map((type) => ({ state, type })));
const acceptedCells = cells.flatMap(({ state, type }) => {
  const events = ACCEPTED[type][state];
  return events ? [{ state, type, events }] : [];
});
const refusedCells = cells.filter(({ state, type }) => ACCEPTED[type][state] === undefined);

describe('tenant lifecycle', () => {
  it('covers every status × every command: 6 × 8 cells, 13 of them accepted', () => {
    expect(STATES).toHaveLength(6);
    expect(COMMAND_TYPES).toHaveLength(8);
    expect(acceptedCells).toHaveLength(13);
    expect(refusedCells).toHaveLength(35);
  });

  describe.each(acceptedCells)('$type on a $state tenant', ({ state, type, events }) => {
    it('is accepted with exactly its events', () => {
      spec.given(history[state]).when(commands[type]).then(events);
    });
  });

  describe.each(refusedCells)('$type on a $state tenant', ({ state, type }) => {
    it('is refused, recording nothing', () => {
      spec.given(history[state]).when(commands[type]).thenRejected(expectedRefusal(state, type));
    });
  });

  it('walks the whole way: draft → active → suspended → active → archived → deleted', () => {
    spec
      .given([created, activated, suspended(3), resumed(4), archived('active', 5)])
      .when(commands.DeleteTenant)
      .then([deleted(6)]);
  });

  it('suspends a tenant again after it was resumed, with the new reason', () => {
    spec
      .given([created, activated, suspended(3), resumed(4)])
      .when({ type: 'SuspendTenant', data: { tenantId, reason: 'abuse report' } })
      .then([suspended(5, 'abuse report')]);
  });

  it('reads the previous status of an archive from the tenant', () => {
    spec
      .given([created, activated, suspended(3), resumed(4), suspended(5)])
      .when(commands.ArchiveTenant)
      .then([archived('suspended', 6)]);
  });
});
