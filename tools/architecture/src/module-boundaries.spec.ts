import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The boundary rules must really bite: each fixture holds imports the architecture forbids, and
 * linting it with the workspace's own configuration must report exactly those. If a rule were
 * switched off, loosened to `*`, or skipped for want of a project graph, this fails.
 */
const root = path.resolve(__dirname, '../../..');

interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: number;
  readonly message: string;
}

/** Runs the real ESLint CLI (as CI does) on one file and returns its boundary errors. */
async function boundaryErrors(file: string): Promise<string[]> {
  const eslint = path.join(root, 'node_modules/.bin/eslint');
  const output = await promisify(execFile)(eslint, ['--format', 'json', file], { cwd: root }).then(
    (done) => done.stdout,
    (failed: { stdout?: string }) => failed.stdout ?? '[]',
  );
  const [result] = JSON.parse(output) as { messages: LintMessage[] }[];
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries' && m.severity === 2)
    .map((m) => m.message);
}

describe('module boundaries (type x scope)', () => {
  it('reject Kafka and infrastructure imports from a domain lib', async () => {
    const errors = await boundaryErrors('libs/orders-domain/lint-fixtures/illegal-imports.ts');
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/type:domain.*kafkajs|kafkajs.*type:domain/),
        expect.stringMatching(
          /"type:domain" can only depend on libs tagged with "type:domain", "type:contracts", "type:util"/,
        ),
      ]),
    );
  }, 60_000);

  it('keep the shared command pipeline free of infrastructure (type:domain, scope:shared)', async () => {
    const errors = await boundaryErrors('libs/command-handling/lint-fixtures/illegal-imports.ts');
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"type:domain" is not allowed to import "pg"/),
        expect.stringMatching(
          /"type:domain" can only depend on libs tagged with "type:domain", "type:contracts", "type:util"/,
        ),
      ]),
    );
  }, 60_000);

  it('reject an import across service scopes', async () => {
    const errors = await boundaryErrors('apps/gateway/lint-fixtures/illegal-scope.ts');
    expect(errors).toEqual([
      expect.stringMatching(
        /"scope:gateway" can only depend on libs tagged with "scope:gateway", "scope:shared"/,
      ),
    ]);
  }, 60_000);
});
