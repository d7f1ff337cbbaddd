import type { Admin } from 'kafkajs';
import { fetchTopicOffsets, IncompleteOffsetsError, isRetriable, retryKafka } from './kafka-retry';

describe('fetchTopicOffsets on a topic whose partitions are not all served yet', () => {
  it("turns kafkajs's TypeError into a retriable error, so that retryKafka asks again", async () => {
    let calls = 0;
    const admin = {
      fetchTopicOffsets: async () => {
        calls += 1;
        // what kafkajs 2.2 throws when the offsets answer misses a partition of its metadata
        if (calls < 3) throw new TypeError("Cannot destructure property 'partitions' of 'low.pop(...)'");
        return [{ partition: 0, offset: '0', high: '4', low: '0' }];
      },
    } as unknown as Admin;

    await expect(fetchTopicOffsets(admin, 't')).rejects.toBeInstanceOf(IncompleteOffsetsError);
    calls = 0;
    const offsets = await retryKafka('offsets', () => fetchTopicOffsets(admin, 't'), { initialBackoffMs: 1 });
    expect(offsets).toEqual([{ partition: 0, offset: '0', high: '4', low: '0' }]);
    expect(calls).toBe(3);
  });

  it('leaves other errors as they are', async () => {
    const admin = {
      fetchTopicOffsets: async () => {
        throw new Error('boom');
      },
    } as unknown as Admin;
    const failure = await fetchTopicOffsets(admin, 't').catch((error: unknown) => error);
    expect(failure).toEqual(new Error('boom'));
    expect(isRetriable(failure)).toBe(false);
  });
});
