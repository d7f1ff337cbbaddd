/**
 * The shape every decider follows (STYLE 3): pure `decide(command, state)` → events or a rejection,
 * pure `evolve(state, event)`, and `initialState()`. Expected business failures are values.
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
