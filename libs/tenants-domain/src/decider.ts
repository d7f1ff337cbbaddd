/**
 * The shape every decider in this lib follows (STYLE 3). Declared here, structurally identical to
 * `@platform/testing`'s, so the domain depends on nothing but `@platform/contracts`.
 */
export type DecideResult<E, R> =
  { readonly ok: true; readonly events: readonly E[] } | { readonly ok: false; readonly rejection: R };

export interface Decider<C, E, S, R> {
  decide(command: C, state: S): DecideResult<E, R>;
  evolve(state: S, event: E): S;
  initialState(): S;
}

export const accepted = <E>(...events: E[]): DecideResult<E, never> => ({ ok: true, events });

export const rejected = <R>(rejection: R): DecideResult<never, R> => ({ ok: false, rejection });
