// Shared Jest configuration. One runner, three tiers chosen by file name:
//   *.spec.ts      unit (pure, no infrastructure)      -> target `test`
//   *.int.spec.ts  integration (real PostgreSQL/Kafka) -> target `int`
//   *.e2e.spec.ts  end-to-end (whole services)         -> target `e2e`
//   *.faults.spec.ts  the fault suite (kills services)  -> target `faults`
// The tier comes from JEST_TIER, set by each Nx target. No tier passes with no tests.
const path = require('node:path');
const fs = require('node:fs');

const root = __dirname;
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

const tiers = {
  unit: { testRegex: '(?<!\\.int|\\.e2e|\\.faults)\\.spec\\.ts$', timeout: 5_000 },
  int: { testRegex: '\\.int\\.spec\\.ts$', timeout: 60_000 },
  e2e: { testRegex: '\\.e2e\\.spec\\.ts$', timeout: 180_000 },
  // the fault suite (apps/platform-faults): kills services, a broker and a database of its own
  faults: { testRegex: '\\.faults\\.spec\\.ts$', timeout: 1_200_000 },
};

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
    path.join(root, target),
  ]),
);

module.exports = function preset(projectDir) {
  const tierName = process.env.JEST_TIER ?? 'unit';
  const tier = tiers[tierName];
  if (!tier) throw new Error(`JEST_TIER must be one of ${Object.keys(tiers).join(', ')}; got ${tierName}`);
  return {
    displayName: `${path.relative(root, projectDir)} [${tierName}]`,
    rootDir: projectDir,
    testEnvironment: 'node',
    testRegex: tier.testRegex,
    testTimeout: tier.timeout,
    moduleFileExtensions: ['ts', 'js', 'json'],
    transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, sourceMaps: 'inline', swcrc: false }] },
    moduleNameMapper,
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '/lint-fixtures/'],
    passWithNoTests: false,
    reporters: [
      'default',
      [
        path.join(root, 'tools/jest/summary-reporter.cjs'),
        { name: `${path.relative(root, projectDir)} [${tierName}]` },
      ],
    ],
    clearMocks: true,
  };
};
