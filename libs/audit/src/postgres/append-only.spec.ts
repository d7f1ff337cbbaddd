import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// "No UPDATE/DELETE path in code": the lib's only statement that removes records is purgeTenant's.

const SOURCE_ROOT = join(__dirname, '..');
const WRITES = /\b(update|delete\s+from|truncate)\s+(?!on\b)["$`\w]/gi;
// TS comments (TSDoc examples show callers' own SQL) and SQL comments are prose, not statements.
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$|^\s*--.*$/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('append-only code', () => {
  it('has one destructive statement, the DELETE of purgeTenant', () => {
    const found = sourceFiles(SOURCE_ROOT).flatMap((file) =>
      [...readFileSync(file, 'utf8').replace(COMMENTS, '').matchAll(WRITES)].map(
        (match) => `${relative(SOURCE_ROOT, file)}: ${match[0]}`,
      ),
    );

    expect(found).toEqual(['postgres/audit-log.ts: delete from $']);
  });

  it('keeps that DELETE inside purgeTenant', () => {
    const source = readFileSync(join(SOURCE_ROOT, 'postgres/audit-log.ts'), 'utf8');
    const purge = source.slice(source.indexOf('async purgeTenant('), source.indexOf('async close('));

    expect(purge).toMatch(/delete from \$\{s\}\.records where tenant_id = \$1/);
  });
});
