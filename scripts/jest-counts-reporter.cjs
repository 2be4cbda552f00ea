// Writes `reports/jest-counts.json` ({ passed, failed, skipped }) in the package that ran jest, so that
// `.ci/run` can add every package's counts into one "N passed, N failed" line (jest prints none the CI reads).
const fs = require('node:fs');
const path = require('node:path');

class JestCountsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(this.rootDir, 'reports');
    fs.mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, 'jest-counts.json'), `${JSON.stringify(counts)}\n`);
  }
}

module.exports = JestCountsReporter;
