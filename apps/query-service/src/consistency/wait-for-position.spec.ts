import { ProblemError } from '@platform/contracts';
import { waitForPosition } from './wait-for-position';

const TENANT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** A read model that has seen exactly the positions given; records what it was asked. */
function seenPositions(seen: readonly number[]) {
  const asked: number[] = [];
  return {
    asked,
    waitUntilSeen: (_tenantId: string, position: number) => {
      asked.push(position);
      return Promise.resolve(seen.includes(position));
    },
  };
}

describe('waitForPosition', () => {
  it('lets the read answer once the position is seen', async () => {
    const positions = seenPositions([3]);
    await expect(waitForPosition(positions, TENANT, '3', 10)).resolves.toBeUndefined();
  });

  it('answers 504 past the bound for a position not seen', async () => {
    await expect(waitForPosition(seenPositions([3]), TENANT, '4', 10)).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('never waits for position 0: nothing comes before the first event', async () => {
    const positions = seenPositions([]);
    await expect(waitForPosition(positions, TENANT, '0', 10)).resolves.toBeUndefined();
    expect(positions.asked).toEqual([]);
  });

  it('refuses a token that is not a position with a 400', async () => {
    await expect(waitForPosition(seenPositions([]), TENANT, '-1', 10)).rejects.toBeInstanceOf(ProblemError);
    await expect(waitForPosition(seenPositions([]), TENANT, '1234567890123456', 10)).rejects.toMatchObject({
      kind: 'validation',
    });
  });
});
