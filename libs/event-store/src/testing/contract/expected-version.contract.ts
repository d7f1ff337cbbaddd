import { randomUUID } from 'node:crypto';
import { WrongExpectedVersionError } from '../../errors';
import type { EventStore, ExpectedVersion } from '../../event-store.port';
import {
  newStreamName,
  newEvents,
  versionsOf,
  appendError,
  expectWrongVersion,
  givenStream,
} from './fixtures';

export function describeExpectedVersion(store: () => EventStore): void {
  describe('expected version', () => {
    it('appends when the expected version is the current version', async () => {
      const { tenantId, stream } = await givenStream(store(), 2);

      const result = await store().appendToStream(tenantId, stream, newEvents(tenantId, 2), {
        expectedVersion: 2,
      });

      expect(result.nextExpectedVersion).toBe(4);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3, 4]);
    });

    it.each([1, 3])(
      'refuses expected version %d on a stream at version 2, and writes nothing',
      async (expected) => {
        const { tenantId, stream } = await givenStream(store(), 2);

        const error = await appendError(store(), tenantId, stream, expected);

        expectWrongVersion(error, { tenantId, stream, expected, actual: 2 });
        expect(error.message).toContain(`expected ${expected}`);
        expect(error.message).toContain('actual 2');
        expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2]);
      },
    );

    it('refuses an exact expected version on a stream that does not exist (actual 0)', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();

      const error = await appendError(store(), tenantId, stream, 1);

      expectWrongVersion(error, { tenantId, stream, expected: 1, actual: 0 });
      expect(await store().readStream(tenantId, stream)).toEqual([]);
    });

    it("refuses 'no-stream' on an existing stream", async () => {
      const { tenantId, stream } = await givenStream(store(), 3);

      const error = await appendError(store(), tenantId, stream, 'no-stream');

      expectWrongVersion(error, { tenantId, stream, expected: 'no-stream', actual: 3 });
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3]);
    });

    it("refuses 'stream-exists' on a missing stream, and appends with it to an existing one", async () => {
      const tenantId = randomUUID();
      const missing = newStreamName();
      const error = await appendError(store(), tenantId, missing, 'stream-exists');
      expectWrongVersion(error, { tenantId, stream: missing, expected: 'stream-exists', actual: 0 });
      expect(await store().readStream(tenantId, missing)).toEqual([]);

      const { stream } = await givenStream(store(), 1, tenantId);
      const result = await store().appendToStream(tenantId, stream, newEvents(tenantId, 1), {
        expectedVersion: 'stream-exists',
      });
      expect(result.nextExpectedVersion).toBe(2);
    });

    it("always appends with 'any', to a missing or an existing stream", async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const append = (count: number) =>
        store().appendToStream(tenantId, stream, newEvents(tenantId, count), { expectedVersion: 'any' });

      expect((await append(2)).nextExpectedVersion).toBe(2);
      expect((await append(1)).nextExpectedVersion).toBe(3);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3]);
    });

    it('appending no events writes nothing but still checks the expected version', async () => {
      const { tenantId, stream } = await givenStream(store(), 2);
      const lastPosition = (await store().readStream(tenantId, stream))[1]?.globalPosition;
      const appendNothing = (s: string, expectedVersion: ExpectedVersion) =>
        store().appendToStream(tenantId, s, [], { expectedVersion });

      expect(await appendNothing(stream, 2)).toEqual({ nextExpectedVersion: 2, lastPosition });
      expect(await appendNothing(stream, 'any')).toEqual({ nextExpectedVersion: 2, lastPosition });
      expect(await appendNothing(stream, 'stream-exists')).toEqual({
        nextExpectedVersion: 2,
        lastPosition,
      });
      await expect(appendNothing(stream, 1)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(appendNothing(stream, 'no-stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);

      const missing = newStreamName();
      expect(await appendNothing(missing, 'no-stream')).toEqual({
        nextExpectedVersion: 0,
        lastPosition: 0,
      });
      expect(await appendNothing(missing, 'any')).toEqual({ nextExpectedVersion: 0, lastPosition: 0 });
      await expect(appendNothing(missing, 'stream-exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2]);
      expect(await store().readStream(tenantId, missing)).toEqual([]);
    });
  });
}
