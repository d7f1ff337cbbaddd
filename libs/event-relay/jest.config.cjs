// The relay's fault-injection suites (leader cut, leader killed, 30 s Kafka outage) are flaky on a
// freshly initialised database and broker (see docs/STATUS.md): they run in the `int-faults` target
// (RELAY_FAULT_TESTS=1), not in `npm test`, which says so in its summary. They are never counted as
// passed when they do not run.
const preset = require('../../jest.preset.cjs')(__dirname);

const FAULT_SUITES = '/src/(event-relay|relay-takeover|kafka-outage)\\.int\\.spec\\.ts$';
const faultsOnly = process.env.RELAY_FAULT_TESTS === '1';

module.exports =
  process.env.JEST_TIER === 'int'
    ? faultsOnly
      ? { ...preset, testRegex: FAULT_SUITES.slice(1).replace('/src/', 'src/') }
      : { ...preset, testPathIgnorePatterns: [...preset.testPathIgnorePatterns, FAULT_SUITES] }
    : preset;
