// Adds up the per-project results written by tools/jest/summary-reporter.cjs and prints the
// closing line `tests: N passed, N failed, N skipped`. Exits 1 if anything failed or nothing ran.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.local/test-results';
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const result = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  console.log(
    `${result.name.padEnd(48)} ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`,
  );
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
