import { isUuid } from '@platform/contracts';
import { commandIdOf } from './command-id';

describe('commandIdOf', () => {
  const tenant = '6d1c3a52-34a4-4a0c-9d56-0d3c8c1f0a11';

  it('is a UUID, the same for the same tenant, input and index', () => {
    const id = commandIdOf(tenant, 'event-1', 0);
    expect(isUuid(id)).toBe(true);
    expect(commandIdOf(tenant, 'event-1', 0)).toBe(id);
  });

  it('differs by index, by input and by tenant', () => {
    const ids = new Set([
      commandIdOf(tenant, 'event-1', 0),
      commandIdOf(tenant, 'event-1', 1),
      commandIdOf(tenant, 'event-2', 0),
      commandIdOf('00000000-0000-0000-0000-000000000001', 'event-1', 0),
    ]);
    expect(ids.size).toBe(4);
  });
});
