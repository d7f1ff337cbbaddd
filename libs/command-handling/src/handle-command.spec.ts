import {
  accepted,
  atVersion,
  rejected,
  type DecideResult,
  type EntityTagCondition,
} from '@platform/contracts';
import { handleCommand, type AppendOutcome, type Change, type CommandSteps } from './handle-command';
import type { Refusal } from './refusal';
import { StreamCache } from './stream-cache';

// The pipeline with in-memory ports, on a tiny aggregate: a counter that may not pass 10.
// given(events written by earlier commands).when(a command, and how the ports behave).then(…)

type CounterEvent = { type: 'Incremented'; by: number } | { type: 'Reset' };
interface Increment {
  readonly by: number;
}
interface Counter {
  readonly count: number;
}
interface Answer {
  readonly version: number;
}

const LIMIT = 10;
const overLimit: Refusal = { kind: 'conflict', code: 'over-limit', detail: 'the counter stops at 10' };
const counterDecider = {
  decide: (command: Increment, state: Counter): DecideResult<CounterEvent, Refusal> =>
    state.count + command.by > LIMIT
      ? rejected(overLimit)
      : accepted({ type: 'Incremented', by: command.by }),
  evolve: (state: Counter, event: CounterEvent): Counter =>
    event.type === 'Reset' ? { count: 0 } : { count: state.count + event.by },
};

/** A stream in memory: events with the id of the command that wrote them, reads and appends counted. */
class InMemoryStream {
  reads = 0;
  readonly appends: Change<Counter, CounterEvent>[] = [];
  readonly recorded: { refusal: Refusal; state: Counter }[] = [];
  /** Run before each append: e.g. another writer that moves the stream in between. */
  beforeAppend: (attempt: number) => void = () => undefined;

  constructor(readonly events: { event: CounterEvent; commandId: string }[]) {}

  write(event: CounterEvent, commandId = 'elsewhere'): void {
    this.events.push({ event, commandId });
  }

  readonly load = async () => {
    this.reads += 1;
    const answers = new Map<string, Answer>();
    this.events.forEach(({ commandId }, index) => answers.set(commandId, { version: index + 1 }));
    const state = this.events.reduce((s, { event }) => counterDecider.evolve(s, event), { count: 0 });
    return { version: this.events.length, state, answers };
  };

  readonly append = async (change: Change<Counter, CounterEvent>): Promise<AppendOutcome<Answer>> => {
    this.appends.push(change);
    this.beforeAppend(this.appends.length);
    if (change.version !== this.events.length) return { outcome: 'conflict' };
    for (const event of change.events) this.write(event, COMMAND_ID);
    return { outcome: 'appended', answer: { version: this.events.length }, version: this.events.length };
  };

  readonly recordRefusal = async (refusal: Refusal, state: Counter) => {
    this.recorded.push({ refusal, state });
  };
}

const COMMAND_ID = 'cmd-1';
const incremented = (by: number, commandId = 'earlier') => ({
  event: { type: 'Incremented', by } as const,
  commandId,
});

function given(...events: { event: CounterEvent; commandId: string }[]) {
  const stream = new InMemoryStream(events);
  return {
    stream,
    when: (command: Increment, steps: Partial<CommandSteps<Increment, CounterEvent, Counter, Answer>> = {}) =>
      handleCommand({
        command,
        decider: counterDecider,
        subject: 'the counter',
        commandId: COMMAND_ID,
        load: stream.load,
        append: stream.append,
        recordRefusal: stream.recordRefusal,
        ...steps,
      }),
  };
}

describe('handleCommand', () => {
  it('decides on the stream as read and appends at its version', async () => {
    const { stream, when } = given(incremented(2));

    const result = await when({ by: 3 });

    expect(result).toEqual({ outcome: 'accepted', answer: { version: 2 }, repeated: false });
    expect(stream.appends).toEqual([
      { before: { count: 2 }, version: 1, events: [{ type: 'Incremented', by: 3 }], after: { count: 5 } },
    ]);
    expect(stream.recorded).toEqual([]);
  });

  it("records the decider's refusal with the state it was decided on, and appends nothing", async () => {
    const { stream, when } = given(incremented(9));

    const result = await when({ by: 2 });

    expect(result).toEqual({ outcome: 'refused', refusal: overLimit });
    expect(stream.appends).toEqual([]);
    expect(stream.recorded).toEqual([{ refusal: overLimit, state: { count: 9 } }]);
  });

  it('answers a refusal unrecorded when the steps record none', async () => {
    const { when } = given(incremented(9));

    expect(await when({ by: 2 }, { recordRefusal: undefined })).toEqual({
      outcome: 'refused',
      refusal: overLimit,
    });
  });

  describe('given the same command carried out before', () => {
    it('answers as the first run did, appends and records nothing, even after later changes', async () => {
      const { stream, when } = given(incremented(1), incremented(1, COMMAND_ID), incremented(1, 'later'));

      const result = await when({ by: 1 });

      expect(result).toEqual({ outcome: 'accepted', answer: { version: 2 }, repeated: true });
      expect(stream.appends).toEqual([]);
    });

    it('answers it before If-Match and the decider: both held when it ran', async () => {
      const { stream, when } = given(incremented(10, COMMAND_ID), incremented(0, 'later'));

      const result = await when({ by: 5 }, { ifMatch: atVersion(1) });

      expect(result).toMatchObject({ outcome: 'accepted', repeated: true });
      expect(stream.recorded).toEqual([]);
    });

    it('runs the command as new without a command id', async () => {
      const { stream, when } = given(incremented(1, COMMAND_ID));

      expect(await when({ by: 1 }, { commandId: undefined })).toMatchObject({ repeated: false });
      expect(stream.appends).toHaveLength(1);
    });
  });

  describe('If-Match', () => {
    it('appends when it names the version read', async () => {
      const { stream, when } = given(incremented(1));

      expect(await when({ by: 1 }, { ifMatch: atVersion(1) })).toMatchObject({ outcome: 'accepted' });
      expect(stream.appends.map((c) => c.version)).toEqual([1]);
    });

    it('refuses another version with versionMismatch (412), before the decider, and records it', async () => {
      const { stream, when } = given(incremented(9), incremented(1));

      // The decider would refuse too (over the limit): the stale version is what the requester learns.
      const result = await when({ by: 5 }, { ifMatch: atVersion(1) });

      expect(result).toEqual({
        outcome: 'refused',
        refusal: {
          kind: 'versionMismatch',
          code: 'version-mismatch',
          detail: 'the counter is at version 2 (ETag "2"); If-Match: "1" does not match',
        },
      });
      expect(stream.recorded.map((r) => r.refusal.code)).toEqual(['version-mismatch']);
      expect(stream.appends).toEqual([]);
    });

    it('is checked on every read: a change between read and append is a 412, not a silent retry', async () => {
      const { stream, when } = given(incremented(1));
      stream.beforeAppend = (attempt) => attempt === 1 && stream.write({ type: 'Incremented', by: 1 });

      const result = await when({ by: 1 }, { ifMatch: atVersion(1) });

      expect(result).toMatchObject({ outcome: 'refused', refusal: { code: 'version-mismatch' } });
      expect(stream.appends).toHaveLength(1);
      expect(stream.reads).toBe(2);
    });

    it.each<[string, EntityTagCondition]>([
      ['*', { kind: 'any' }],
      ['"1"', atVersion(1)],
    ])('never holds (%s) for an aggregate that does not exist', async (_name, ifMatch) => {
      const { when } = given();

      expect(await when({ by: 1 }, { ifMatch })).toMatchObject({
        outcome: 'refused',
        refusal: {
          kind: 'versionMismatch',
          detail: 'the counter does not exist; If-Match: ' + _name + ' cannot hold',
        },
      });
    });
  });

  describe('on a concurrent change (the append finds the stream moved)', () => {
    it('re-reads and decides again on the new state', async () => {
      const { stream, when } = given(incremented(1));
      stream.beforeAppend = (attempt) => attempt === 1 && stream.write({ type: 'Incremented', by: 7 });

      const result = await when({ by: 2 });

      expect(result).toEqual({ outcome: 'accepted', answer: { version: 3 }, repeated: false });
      expect(stream.appends.map((c) => [c.version, c.before.count])).toEqual([
        [1, 1],
        [2, 8],
      ]);
    });

    it('refuses on the new state when the rules now say no', async () => {
      const { stream, when } = given(incremented(1));
      stream.beforeAppend = (attempt) => attempt === 1 && stream.write({ type: 'Incremented', by: 9 });

      expect(await when({ by: 2 })).toEqual({ outcome: 'refused', refusal: overLimit });
      expect(stream.recorded).toEqual([{ refusal: overLimit, state: { count: 10 } }]);
    });

    it('gives up after three appends with changedConcurrently (409), recorded', async () => {
      const { stream, when } = given(incremented(1));
      stream.beforeAppend = () => stream.write({ type: 'Reset' });

      const result = await when({ by: 1 });

      expect(result).toEqual({
        outcome: 'refused',
        refusal: {
          kind: 'conflict',
          code: 'changed-concurrently',
          detail: 'the counter changed concurrently; retry',
        },
      });
      expect(stream.appends).toHaveLength(3);
      expect(stream.recorded.map((r) => r.refusal.code)).toEqual(['changed-concurrently']);
    });

    it('tries as many appends as maxAttempts says', async () => {
      const { stream, when } = given();
      stream.beforeAppend = () => stream.write({ type: 'Reset' });

      await when({ by: 1 }, { maxAttempts: 5 });

      expect(stream.appends).toHaveLength(5);
    });
  });

  describe('a refusal of the append itself (a quota, a unique name)', () => {
    const quota: Refusal = { kind: 'quotaExceeded', code: 'quota-exceeded', detail: 'used up' };

    it('is answered as is when the append recorded it', async () => {
      const { stream, when } = given();

      const result = await when(
        { by: 1 },
        { append: async () => ({ outcome: 'refused', refusal: quota, recorded: true }) },
      );

      expect(result).toEqual({ outcome: 'refused', refusal: quota });
      expect(stream.recorded).toEqual([]);
    });

    it('is recorded by the pipeline when the append did not', async () => {
      const { stream, when } = given(incremented(4));

      await when(
        { by: 1 },
        { append: async () => ({ outcome: 'refused', refusal: quota, recorded: false }) },
      );

      expect(stream.recorded).toEqual([{ refusal: quota, state: { count: 4 } }]);
    });
  });

  describe('when something cannot be written', () => {
    it('answers not-written (append) with the cause when the change cannot be', async () => {
      const down = new Error('database down');
      const { when } = given();

      expect(await when({ by: 1 }, { append: () => Promise.reject(down) })).toEqual({
        outcome: 'not-written',
        step: 'append',
        cause: down,
      });
    });

    it("answers not-written (record-refusal), not the refusal, when the refusal's record cannot be", async () => {
      const down = new Error('audit log down');
      const { when } = given(incremented(10));

      expect(await when({ by: 1 }, { recordRefusal: () => Promise.reject(down) })).toEqual({
        outcome: 'not-written',
        step: 'record-refusal',
        cause: down,
      });
    });

    it('throws what loading throws: nothing was written', async () => {
      const down = new Error('event store down');
      const { when } = given();

      await expect(when({ by: 1 }, { load: () => Promise.reject(down) })).rejects.toBe(down);
    });
  });
});

describe('handleCommand with the aggregate in memory (StreamCache)', () => {
  const TENANT = 'tenant-1';
  const STREAM = 'counter-1';

  function withCache(...events: { event: CounterEvent; commandId: string }[]) {
    const cache = new StreamCache<Counter, Answer>();
    const { stream, when } = given(...events);
    return {
      stream,
      cache,
      when: (
        command: Increment,
        steps: Partial<CommandSteps<Increment, CounterEvent, Counter, Answer>> = {},
      ) => when(command, { cache: cache.slot(TENANT, STREAM), ...steps }),
    };
  }

  it('reads the stream once, then decides from memory and appends at the version it remembers', async () => {
    const { stream, cache, when } = withCache(incremented(1));

    for (const commandId of ['a', 'b', 'c']) await when({ by: 1 }, { commandId });

    expect(stream.reads).toBe(1);
    expect(stream.appends.map((c) => c.version)).toEqual([1, 2, 3]);
    expect(cache.get(TENANT, STREAM)).toMatchObject({ version: 4, state: { count: 4 } });
  });

  it('answers a repeated command from memory, as its first run did', async () => {
    const { stream, when } = withCache(incremented(1));
    const first = await when({ by: 1 });

    const again = await when({ by: 1 });

    expect(again).toEqual({ ...first, repeated: true });
    expect(stream.appends).toHaveLength(1);
    expect(stream.reads).toBe(1);
  });

  it('forgets a stale entry on a conflict, re-reads and succeeds', async () => {
    const { stream, cache, when } = withCache(incremented(1));
    await when({ by: 1 }, { commandId: 'a' });
    stream.write({ type: 'Incremented', by: 1 }); // another instance wrote meanwhile

    const result = await when({ by: 1 }, { commandId: 'b' });

    expect(result).toMatchObject({ outcome: 'accepted', answer: { version: 4 } });
    expect(stream.reads).toBe(2);
    expect(cache.get(TENANT, STREAM)?.version).toBe(4);
  });

  it('never refuses on a cached state: it re-reads, and the stream may say yes', async () => {
    const { stream, when } = withCache(incremented(9));
    await when({ by: 1 }, { commandId: 'a' }); // cached at 10
    stream.write({ type: 'Reset' });

    const result = await when({ by: 5 }, { commandId: 'b' });

    expect(result).toMatchObject({ outcome: 'accepted' });
    expect(stream.recorded).toEqual([]);
    expect(stream.reads).toBe(2);
  });

  it('re-reads before a 412 too: an If-Match the stream satisfies is appended', async () => {
    const { stream, when } = withCache(incremented(1));
    await when({ by: 1 }, { commandId: 'a' }); // cached at version 2
    stream.write({ type: 'Incremented', by: 1 });

    expect(await when({ by: 1 }, { commandId: 'b', ifMatch: atVersion(3) })).toMatchObject({
      outcome: 'accepted',
      answer: { version: 4 },
    });
  });

  it('refuses, recorded once, what the fresh read confirms', async () => {
    const { stream, when } = withCache(incremented(9));
    await when({ by: 1 }, { commandId: 'a' }); // cached at 10

    const result = await when({ by: 1 }, { commandId: 'b' });

    expect(result).toEqual({ outcome: 'refused', refusal: overLimit });
    expect(stream.reads).toBe(2);
    expect(stream.recorded).toHaveLength(1);
  });

  it('forgets the entry when the append fails', async () => {
    const { cache, when } = withCache(incremented(1));
    await when({ by: 1 }, { commandId: 'a' });

    await when({ by: 1 }, { commandId: 'b', append: () => Promise.reject(new Error('down')) });

    expect(cache.get(TENANT, STREAM)).toBeUndefined();
  });
});

describe('handleCommand on a presumed aggregate (a create, its stream presumed empty)', () => {
  const EMPTY = { version: 0, state: { count: 0 }, answers: new Map<string, Answer>() };

  it('appends without reading the stream when the presumption holds', async () => {
    const { stream, when } = given();

    const result = await when({ by: 1 }, { presumed: EMPTY });

    expect(result).toMatchObject({ outcome: 'accepted', answer: { version: 1 }, repeated: false });
    expect(stream.reads).toBe(0);
    expect(stream.appends.map((c) => c.version)).toEqual([0]);
  });

  it('reads the stream after a conflict: a redelivered create is answered as its first run', async () => {
    const { stream, when } = given(incremented(1, COMMAND_ID));

    const result = await when({ by: 1 }, { presumed: EMPTY });

    expect(result).toEqual({ outcome: 'accepted', answer: { version: 1 }, repeated: true });
    expect(stream.reads).toBe(1);
    expect(stream.appends).toHaveLength(1);
  });

  it('never refuses on the presumption: the stream is read first', async () => {
    const { stream, when } = given(incremented(5));

    const result = await when({ by: 1 }, { presumed: { ...EMPTY, state: { count: 10 } } });

    expect(result).toMatchObject({ outcome: 'accepted', answer: { version: 2 } });
    expect(stream.recorded).toEqual([]);
    expect(stream.reads).toBe(1);
  });

  it('prefers what the cache holds', async () => {
    const cache = new StreamCache<Counter, Answer>();
    const { stream, when } = given(incremented(1));
    await when({ by: 1 }, { commandId: 'a', cache: cache.slot('t', 's') });

    await when({ by: 1 }, { commandId: 'b', cache: cache.slot('t', 's'), presumed: EMPTY });

    expect(stream.appends.map((c) => c.version)).toEqual([1, 2]);
    expect(stream.reads).toBe(1);
  });
});
