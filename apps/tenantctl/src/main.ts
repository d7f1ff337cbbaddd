#!/usr/bin/env node
import { runCli } from './cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  // runCli answers its own errors; anything escaping it is a bug, reported rather than left unhandled
  (error: unknown) => {
    process.stderr.write(
      `tenantctl: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
