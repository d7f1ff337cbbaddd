import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type ReadStreamOptions as KurrentReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import type { ReadRange } from '../guards';
import { toRevision } from './expected-revision';

/** The client's options for reading `range` of a stream; `undefined` when the range is empty. */
export function toKurrentReadStreamOptions(range: ReadRange): KurrentReadStreamOptions | undefined {
  if (range.maxCount === 0) return undefined;
  const backwards = range.direction === 'backwards';
  return {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision: range.fromVersion === null ? (backwards ? END : START) : toRevision(range.fromVersion),
    ...(range.maxCount === null ? {} : { maxCount: range.maxCount }),
  };
}
