import { type Decider, type DecideResult, specFor } from './given-when-then';

// A toy counter decider, just enough to exercise the helper.
type CounterCommand = { type: 'Increment'; by: number };
type CounterEvent = { type: 'Incremented'; by: number };
type CounterRejection = { code: 'limit-reached' | 'not-positive'; detail: string };

const LIMIT = 3;

const counter: Decider<CounterCommand, CounterEvent, number, CounterRejection> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.by,
  decide: (command, total): DecideResult<CounterEvent, CounterRejection> => {
    if (command.by <= 0) return { ok: false, rejection: { code: 'not-positive', detail: `${command.by}` } };
    if (total + command.by > LIMIT) {
      return { ok: false, rejection: { code: 'limit-reached', detail: `at ${total}` } };
    }
    return { ok: true, events: [{ type: 'Incremented', by: command.by }] };
  },
};

const spec = specFor(counter);
const incremented = (by: number): CounterEvent => ({ type: 'Incremented', by });

describe('specFor', () => {
  describe('then', () => {
    it('passes when the decider produces exactly the expected events', () => {
      spec
        .given([incremented(1)])
        .when({ type: 'Increment', by: 2 })
        .then([incremented(2)]);
    });

    it('folds the given events through evolve before deciding', () => {
      expect(() =>
        spec
          .given([incremented(1), incremented(1)])
          .when({ type: 'Increment', by: 2 })
          .then([incremented(2)]),
      ).toThrow(/rejected.*limit-reached/s);
    });

    it('fails with a clear message when the decider rejected the command', () => {
      expect(() =>
        spec
          .given([])
          .when({ type: 'Increment', by: 0 })
          .then([incremented(0)]),
      ).toThrow(/Expected the command to be accepted .* but the decider rejected it with .*not-positive/s);
    });

    it('fails when the events differ', () => {
      expect(() =>
        spec
          .given([])
          .when({ type: 'Increment', by: 1 })
          .then([incremented(2)]),
      ).toThrow();
    });

    it('fails when an expected event is missing or extra', () => {
      expect(() => spec.given([]).when({ type: 'Increment', by: 1 }).then([])).toThrow();
      expect(() =>
        spec
          .given([])
          .when({ type: 'Increment', by: 1 })
          .then([incremented(1), incremented(1)]),
      ).toThrow();
    });
  });

  describe('thenRejected', () => {
    it('passes when the rejection matches the expected subset', () => {
      spec.given([]).when({ type: 'Increment', by: -1 }).thenRejected({ code: 'not-positive' });
    });

    it('passes the rejection to an assertion function', () => {
      let seen: CounterRejection | undefined;
      spec
        .given([incremented(3)])
        .when({ type: 'Increment', by: 1 })
        .thenRejected((rejection) => {
          seen = rejection;
        });
      expect(seen).toEqual({ code: 'limit-reached', detail: 'at 3' });
    });

    it('fails with a clear message when the decider produced events', () => {
      expect(() =>
        spec.given([]).when({ type: 'Increment', by: 1 }).thenRejected({ code: 'not-positive' }),
      ).toThrow(/Expected the command to be rejected, but the decider accepted it with .*Incremented/s);
    });

    it('fails when the rejection does not match', () => {
      expect(() =>
        spec.given([]).when({ type: 'Increment', by: -1 }).thenRejected({ code: 'limit-reached' }),
      ).toThrow();
    });

    it('fails when the assertion function fails', () => {
      expect(() =>
        spec
          .given([])
          .when({ type: 'Increment', by: -1 })
          .thenRejected((rejection) => expect(rejection.code).toBe('limit-reached')),
      ).toThrow();
    });
  });

  it('lets an exception thrown by the decider surface as a failure of then', () => {
    const throwing = specFor<CounterCommand, CounterEvent, number, CounterRejection>({
      ...counter,
      decide: () => {
        throw new Error('bug in decide');
      },
    });
    const when = throwing.given([]).when({ type: 'Increment', by: 1 });
    expect(() => when.then([])).toThrow('bug in decide');
    expect(() => when.thenRejected({})).toThrow('bug in decide');
  });
});
