// Writes `reports/jest-counts.json` ({ passed, failed, skipped, failures }) in the package that ran jest, so that
// `.ci/run` can add every package's counts into one "N passed, N failed" line (jest prints none the CI reads) and list
// each failed test, with the start of its message, just above it, where a CI log cut to its tail still shows it.
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
      failures: failures(results),
    };
    fs.writeFileSync(path.join(dir, 'jest-counts.json'), `${JSON.stringify(counts)}\n`);
  }
}

function failures(results) {
  const list = [];
  for (const file of results.testResults) {
    const where = path.relative(process.cwd(), file.testFilePath);
    if (file.testExecError) list.push({ test: where, message: firstLines(file.testExecError.message) });
    for (const test of file.testResults) {
      if (test.status === 'failed') list.push({ test: `${where} › ${test.fullName}`, message: firstLines(test.failureMessages.join('\n')) });
    }
  }
  return list;
}

// eslint-disable-next-line no-control-regex
const firstLines = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim()).slice(0, 6).join('\n');

module.exports = JestCountsReporter;
