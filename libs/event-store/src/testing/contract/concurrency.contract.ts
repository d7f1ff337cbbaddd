import { randomUUID } from 'node:crypto';
import { WrongExpectedVersionError } from '../../errors';
import type { EventStore } from '../../event-store.port';
import { newStreamName, newEvent, newEvents, rejections, versionsOf, givenStream } from './fixtures';

export function describeConcurrency(store: () => EventStore): void {
  describe('concurrency', () => {
    it('lets exactly one of two appends with the same expected version win', async () => {
      const { tenantId, stream } = await givenStream(store(), 1);
      const contenders = [newEvent(tenantId, 'first'), newEvent(tenantId, 'second')];

      const outcomes = await Promise.allSettled(
        contenders.map((event) => store().appendToStream(tenantId, stream, [event], { expectedVersion: 1 })),
      );

      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [contenders[i]?.eventId] : []));
      const losers = rejections(outcomes);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]).toBeInstanceOf(WrongExpectedVersionError);
      expect(losers[0]).toMatchObject({ expected: 1, actual: 2 });
      const recorded = await store().readStream(tenantId, stream);
      expect(recorded.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(recorded[1]?.eventId).toBe(winners[0]);
    });

    it('lets exactly one of ten concurrent appends with the same expected version win', async () => {
      const { tenantId, stream } = await givenStream(store(), 2);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          store().appendToStream(tenantId, stream, newEvents(tenantId, 2), { expectedVersion: 2 }),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const losers = rejections(outcomes);
      losers.forEach((reason) => expect(reason).toBeInstanceOf(WrongExpectedVersionError));
      losers.forEach((reason) => expect(reason).toMatchObject({ expected: 2, actual: 4 }));
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3, 4]);
    });

    it("lets exactly one of ten concurrent 'no-stream' appends create the stream", async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          store().appendToStream(tenantId, stream, newEvents(tenantId, 2), {
            expectedVersion: 'no-stream',
          }),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const losers = rejections(outcomes);
      losers.forEach((reason) => expect(reason).toBeInstanceOf(WrongExpectedVersionError));
      losers.forEach((reason) => expect(reason).toMatchObject({ expected: 'no-stream', actual: 2 }));
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2]);
    });

    it("serializes concurrent 'any' appends without losing or duplicating versions", async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();

      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store().appendToStream(tenantId, stream, newEvents(tenantId, 3), { expectedVersion: 'any' }),
        ),
      );

      expect(results.map((r) => r.nextExpectedVersion).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, i) => 3 * (i + 1)),
      );
      expect(await versionsOf(store(), tenantId, stream)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
    });
  });
}
