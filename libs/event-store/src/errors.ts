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
