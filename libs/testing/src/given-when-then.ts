import type { Decider, DecideResult } from '@platform/contracts';

/**
 * Given / when / then for deciders (STYLE 5): replay past events, send one command, check what the
 * decider answers. The decider shape is `@platform/contracts`'s.
 */
export type { Decider, DecideResult };

export interface DeciderThen<E, R> {
  /** Passes only if the command was accepted and produced exactly `expected`, in order. */
  then(expected: readonly E[]): void;
  /**
   * Passes only if the command was rejected. An object is matched as a subset of the rejection;
   * a function receives the rejection and asserts on it itself.
   */
  thenRejected(expected: Partial<R> | ((rejection: R) => void)): void;
}

export interface DeciderSpecification<C, E, R> {
  given(events: readonly E[]): { when(command: C): DeciderThen<E, R> };
}

/**
 * Builds a given/when/then specification for a decider.
 *
 * @example
 * ```ts
 * const spec = specFor(orderDecider);
 * spec.given([]).when(createOrder).then([orderCreated]);
 * spec.given([orderCreated]).when(createOrder).thenRejected({ code: 'order-already-exists' });
 * ```
 */
export function specFor<C, E, S, R>(decider: Decider<C, E, S, R>): DeciderSpecification<C, E, R> {
  return {
    given: (events) => ({
      when: (command) => {
        // Decided lazily so that a throwing decider fails inside `then`, where the test looks.
        const run = (): DecideResult<E, R> =>
          decider.decide(
            command,
            events.reduce((state, event) => decider.evolve(state, event), decider.initialState()),
          );
        return {
          then(expected) {
            const result = run();
            if (!result.ok) {
              throw new Error(
                `Expected the command to be accepted with ${show(expected)}, ` +
                  `but the decider rejected it with ${show(result.rejection)}`,
              );
            }
            expect(result.events).toEqual(expected);
          },
          thenRejected(expected) {
            const result = run();
            if (result.ok) {
              throw new Error(
                `Expected the command to be rejected, but the decider accepted it with ${show(result.events)}`,
              );
            }
            if (typeof expected === 'function') expected(result.rejection);
            else expect(result.rejection).toMatchObject(expected);
          },
        };
      },
    }),
  };
}

const show = (value: unknown): string => JSON.stringify(value, null, 2) ?? String(value);
