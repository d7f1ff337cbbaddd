import { ifMatchHolds, type DecideResult, type EntityTagCondition } from '@platform/contracts';
import { changedConcurrently, versionMismatch, type Refusal } from './refusal';
import type { CachedAggregate, LoadedAggregate } from './stream-cache';

/** What a decided change hands to the append: the state it was decided on and where it leads. */
export interface Change<S, E> {
  readonly before: S;
  /** The version `before` was read at: the append's expected version. */
  readonly version: number;
  readonly events: readonly E[];
  readonly after: S;
}

/**
 * What an append did. `conflict`: the stream moved since it was read (a wrong expected version),
 * nothing was kept; the pipeline re-reads and decides again. `refused`: a rule checked where the
 * change is written (a quota, a unique slug) said no; `recorded` when the adapter already wrote the
 * refusal's audit record, else the pipeline records it.
 */
export type AppendOutcome<A> =
  | { readonly outcome: 'appended'; readonly answer: A; readonly version: number }
  | { readonly outcome: 'conflict' }
  | { readonly outcome: 'refused'; readonly refusal: Refusal; readonly recorded: boolean };

/**
 * The steps of one command against one aggregate. Only the aggregate's own parts are given here;
 * the order of the steps, the retry and the refusals are {@link handleCommand}'s.
 */
export interface CommandSteps<C, E, S, A> {
  readonly command: C;
  /** The aggregate's pure decider (its domain lib's); its rejections are refusals. */
  readonly decider: {
    decide(command: C, state: S): DecideResult<E, Refusal>;
    evolve(state: S, event: E): S;
  };
  /** The aggregate as its stream holds it now. */
  readonly load: () => Promise<LoadedAggregate<S, A>>;
  /** Appends the change (with its audit record, in the aggregate's own way). */
  readonly append: (change: Change<S, E>) => Promise<AppendOutcome<A>>;
  /** Names the aggregate in the pipeline's own refusals: `the order`, `tenant <id>`. */
  readonly subject: string;
  /**
   * The command's id. When the loaded aggregate has `answers`, a command found there was carried out
   * before: it is answered as then, before anything else is checked, and nothing is appended.
   */
  readonly commandId?: string;
  /** The requester's precondition on the version (ADR 0011), checked on every read before deciding. */
  readonly ifMatch?: EntityTagCondition;
  /**
   * Where the aggregate is kept in memory between commands (ADR 0018). A change is decided from it
   * and appended at its version; a refusal never is: the stream is read first.
   */
  readonly cache?: CachedAggregate<S, A>;
  /**
   * The aggregate as the caller presumes it without a read, when the cache does not hold it: a
   * create's stream, presumed empty. It is used as a cached entry is: a change decided on it is
   * appended at its version (a stream that exists after all is a conflict, then a read), and a
   * refusal is never answered from it. It spares a create the read of a stream that is not there.
   */
  readonly presumed?: LoadedAggregate<S, A>;
  /** Writes the audit record of a refusal. Without it, refusals are answered unrecorded. */
  readonly recordRefusal?: (refusal: Refusal, state: S) => Promise<void>;
  /** Appends tried before the command is refused as `changedConcurrently`; 3 by default. */
  readonly maxAttempts?: number;
}

/**
 * `accepted`: appended now, or earlier (`repeated`) by this very command. `refused`: an expected
 * failure, recorded when the steps record refusals. `not-written`: the change (`step: 'append'`) or
 * the refusal's record (`step: 'record-refusal'`) could not be written; no change without its record
 * (ADR 0009), so the requester may retry.
 */
export type CommandResult<A> =
  | { readonly outcome: 'accepted'; readonly answer: A; readonly repeated: boolean }
  | { readonly outcome: 'refused'; readonly refusal: Refusal }
  | { readonly outcome: 'not-written'; readonly step: 'append' | 'record-refusal'; readonly cause: unknown };

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Load, decide, append: the one command pipeline every aggregate uses (ADR 0019).
 *
 * 1. Load the aggregate, from `cache` when it holds it, else as `presumed` when given, else from its
 *    stream.
 * 2. A command already carried out (`commandId` in the aggregate's `answers`) is answered as then.
 * 3. `ifMatch` must hold on the version read (412 `versionMismatch` otherwise), then the decider
 *    decides. A refusal decided on a cached state is not answered: the stream is read and the
 *    command decided again.
 * 4. The change is appended at the version read. A conflict (the stream moved) forgets the cached
 *    entry and starts again from a fresh read, `maxAttempts` appends at most, then
 *    `changedConcurrently` (409).
 * 5. Every refusal is recorded through `recordRefusal` (unless the append already did) and returned
 *    as a value. Errors of `load` and of the decider are thrown: they are bugs or outages before
 *    anything was written.
 *
 * @example
 * const result = await handleCommand({
 *   command, decider: orderDecider, subject: 'the order', commandId, ifMatch,
 *   load: () => readOrder(store, tenantId, stream),
 *   append: (change) => appendAudited(change),
 *   recordRefusal: (refusal, state) => audit.append(refusedEntry(command, state, refusal)),
 * });
 * if (result.outcome === 'refused') return refusalProblem(result.refusal);
 */
export async function handleCommand<C, E, S, A>(steps: CommandSteps<C, E, S, A>): Promise<CommandResult<A>> {
  const { cache, decider } = steps;
  const maxAttempts = steps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let conflicts = 0;
  let fresh = cache === undefined && steps.presumed === undefined;
  for (;;) {
    const cached = fresh ? undefined : (cache?.get() ?? steps.presumed);
    const loaded = cached ?? (await steps.load());
    if (cached === undefined) cache?.set(loaded);
    const earlier = steps.commandId === undefined ? undefined : loaded.answers?.get(steps.commandId);
    if (earlier !== undefined) return { outcome: 'accepted', answer: earlier, repeated: true };

    const { state, version } = loaded;
    const decision: DecideResult<E, Refusal> =
      steps.ifMatch !== undefined && !ifMatchHolds(steps.ifMatch, version)
        ? { ok: false, rejection: versionMismatch(steps.subject, steps.ifMatch, version) }
        : decider.decide(steps.command, state);
    if (!decision.ok) {
      if (cached !== undefined) {
        fresh = true; // refuse only on what the stream says
        continue;
      }
      return refuse(steps, decision.rejection, state);
    }

    const after = decision.events.reduce((s, event) => decider.evolve(s, event), state);
    let appended: AppendOutcome<A>;
    try {
      appended = await steps.append({ before: state, version, events: decision.events, after });
    } catch (cause) {
      cache?.forget();
      return { outcome: 'not-written', step: 'append', cause };
    }
    switch (appended.outcome) {
      case 'appended':
        cache?.set({
          version: appended.version,
          state: after,
          answers: withAnswer(loaded.answers, steps.commandId, appended.answer),
        });
        return { outcome: 'accepted', answer: appended.answer, repeated: false };
      case 'refused':
        return appended.recorded
          ? { outcome: 'refused', refusal: appended.refusal }
          : refuse(steps, appended.refusal, state);
      case 'conflict':
        cache?.forget();
        fresh = true;
        conflicts += 1;
        if (conflicts >= maxAttempts) return refuse(steps, changedConcurrently(steps.subject), state);
        break;
      default:
        return assertNever(appended);
    }
  }
}

/** Records the refusal (when the steps record refusals), then answers with it. */
async function refuse<S, A>(
  steps: { readonly recordRefusal?: (refusal: Refusal, state: S) => Promise<void> },
  refusal: Refusal,
  state: S,
): Promise<CommandResult<A>> {
  try {
    await steps.recordRefusal?.(refusal, state);
  } catch (cause) {
    return { outcome: 'not-written', step: 'record-refusal', cause };
  }
  return { outcome: 'refused', refusal };
}

function withAnswer<A>(
  answers: ReadonlyMap<string, A> | undefined,
  commandId: string | undefined,
  answer: A,
): ReadonlyMap<string, A> | undefined {
  if (commandId === undefined) return answers;
  return new Map(answers).set(commandId, answer);
}

function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
