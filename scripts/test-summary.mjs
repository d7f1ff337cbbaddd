// Adds up the per-project results written by tools/jest/summary-reporter.cjs and prints the
// closing line `tests: N passed, N failed, N skipped`, after the name and message of every failed
// test (so the end of a CI log says what failed). Exits 1 if anything failed or nothing ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.local/test-results';
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of files.sort()) {
  const result = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  for (const failure of result.failures ?? []) failures.push({ project: result.name, ...failure });
  console.log(
    `${result.name.padEnd(48)} ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`,
  );
}
for (const [i, failure] of failures.entries()) {
  console.log(
    `\nfailure ${i + 1} of ${failures.length}: ${failure.project} ${failure.file}\n  ${failure.test}`,
  );
  console.log(failure.message.replace(/^/gm, '    '));
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
