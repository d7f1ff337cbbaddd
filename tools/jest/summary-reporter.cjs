// Writes each Jest run's counts to .local/test-results/<project>-<tier>.json for the test summary,
// with every failure (test name, file and the start of its message), so that the last lines of a
// CI log name what failed even when the runner's own output scrolled away.
const fs = require('node:fs');
const path = require('node:path');

const MAX_LINES = 25;
const plain = (text) =>
  String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => !/^\s+at .*(node_modules|<anonymous>|node:internal)/.test(line))
    .slice(0, MAX_LINES)
    .join('\n');

function failuresOf(results, root) {
  const failures = [];
  for (const file of results.testResults) {
    const where = path.relative(root, file.testFilePath);
    if (file.testExecError || (file.failureMessage && file.numFailingTests === 0)) {
      failures.push({
        file: where,
        test: '(the suite itself: a hook, an import or the runner)',
        message: plain(file.testExecError?.message ?? file.failureMessage),
      });
    }
    for (const test of file.testResults) {
      if (test.status !== 'failed') continue;
      failures.push({ file: where, test: test.fullName, message: plain(test.failureMessages.join('\n')) });
    }
  }
  return failures;
}

class SummaryReporter {
  constructor(globalConfig, options) {
    this.name = options.name;
    this.root = globalConfig.rootDir;
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
        failures: failuresOf(results, this.root),
      }),
    );
  }
}
module.exports = SummaryReporter;
