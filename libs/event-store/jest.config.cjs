// EventStoreDB's integration specs (src/eventstoredb/*.int.spec.ts) need a server: they run only when
// EVENTSTOREDB_URL is set. Without it they are left out of the run, so none of their tests is
// registered or counted, and the run says so in one line. The PostgreSQL integration specs keep the
// int run non-empty, so passWithNoTests stays false.
const preset = require('../../jest.preset.cjs')(__dirname);

const withoutEventStoreDb = process.env.JEST_TIER === 'int' && !process.env.EVENTSTOREDB_URL;

module.exports = withoutEventStoreDb
  ? {
      ...preset,
      testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '/src/eventstoredb/.*\\.int\\.spec\\.ts$'],
      globalSetup: require.resolve('./src/eventstoredb/testing/eventstoredb-suite-not-run.cjs'),
    }
  : preset;
