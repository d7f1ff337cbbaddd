// The decider shape is shared by every domain lib: see @platform/contracts.
export { accepted, rejected, type Decider, type DecideResult } from '@platform/contracts';
