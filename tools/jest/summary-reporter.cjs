// Writes each Jest run's counts to .local/test-results/<project>-<tier>.json for the test summary.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options) {
    this.name = options.name;
  }
  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '..', '.local', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: this.name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}
module.exports = SummaryReporter;
