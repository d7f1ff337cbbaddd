import { counter, type Logger } from '@platform/observability';

const unexpected = counter(
  'process_unexpected_errors_total',
  'Rejections nobody handled and exceptions nobody caught (each one is a bug)',
  ['kind'],
);

export interface SafetyNetHandlers {
  readonly unhandledRejection: (reason: unknown, promise: Promise<unknown>) => void;
  readonly uncaughtException: (error: Error, origin: string) => void;
}

/**
 * The last line behind the fixes, not a fix: what the process does with a rejection nobody handled
 * and an exception nobody caught. Each is logged (error, stack, cause chain) and counted in
 * `process_unexpected_errors_total`.
 *
 * - An unhandled rejection does NOT stop the process: it is a promise whose failure nobody awaited
 *   (a late timeout, a send that failed after its caller had gone), the code that created it has
 *   moved on, and stopping would drop every request in flight. Node's default (exit) is what took
 *   the gateway down when Kafka went away (issue 9).
 * - An uncaught exception stops it (exit 1): a synchronous throw out of an event handler leaves
 *   state half-updated, and Node documents that resuming is unsafe; the supervisor restarts it.
 */
export function processSafetyNet(logger: Logger, exit: (code: number) => void): SafetyNetHandlers {
  return {
    unhandledRejection: (reason) => {
      unexpected.inc({ kind: 'unhandled-rejection' });
      logger.error(
        { err: reason, kind: 'unhandledRejection' },
        `a promise rejected and nobody handled it (a bug; the process goes on): ${describe(reason)}`,
      );
    },
    uncaughtException: (error, origin) => {
      unexpected.inc({ kind: 'uncaught-exception' });
      logger.fatal(
        { err: error, kind: origin },
        `an exception nobody caught (a bug; the process exits): ${describe(error)}`,
      );
      exit(1);
    },
  };
}

let installed = false;

/** Installs {@link processSafetyNet} on `process`, once per process. */
export function installProcessSafetyNet(logger: Logger): void {
  if (installed) return;
  installed = true;
  const handlers = processSafetyNet(logger, (code) => process.exit(code));
  process.on('unhandledRejection', handlers.unhandledRejection);
  process.on('uncaughtException', handlers.uncaughtException);
}

const describe = (value: unknown): string => (value instanceof Error ? value.message : String(value));
