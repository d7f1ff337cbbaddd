import type { ExpectedVersion } from './event-store.port';

/** An append was refused because the stream's version did not match the expected version. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';

  constructor(
    readonly tenantId: string,
    readonly streamName: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was refused; 0 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(
      `Wrong expected version for stream "${streamName}" of tenant ${tenantId}: ` +
        `expected ${String(expected)}, actual ${actual === 0 ? '0 (no stream)' : actual}`,
    );
  }
}

/**
 * An append was refused because some of its event ids are already recorded, and not as a repeat of
 * this very append (same ids, same stream, same versions): a batch that only partly repeats an
 * earlier one, or ids used in another stream. Nothing was written.
 */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';

  constructor(
    readonly tenantId: string,
    readonly streamName: string,
    /** The ids of the refused batch. */
    readonly eventIds: readonly string[],
  ) {
    super(
      `Event ids already recorded for stream "${streamName}" of tenant ${tenantId}, ` +
        `and not as a repeat of this append: ${eventIds.join(', ')}`,
    );
  }
}
