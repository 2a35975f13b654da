#!/usr/bin/env node
// `npm test`'s jest, in two passes. Most suites run two at a time (the end-to-end ones mostly wait on
// quotas, backoffs and deadlines, so a 2-core machine has room for a second). The suites in ALONE run
// after them, one at a time: mass-deploy starts 50 Lambda processes at once, and the duplicate-delivery
// scenarios race two processes on purpose; beside other suites on 2 cores, a starved process skews the
// races they are there to check. Arguments go to both passes (e.g. a test path pattern).
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ALONE = ['test/e2e/mass-deploy.test.ts', 'test/e2e/service-delivery.test.ts'];
const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const args = process.argv.slice(2);

function run(passArgs) {
  const result = spawnSync(process.execPath, [jest, ...passArgs, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const escaped = ALONE.map((file) => file.replace(/[.]/g, '\\.'));
// Pass 1 keeps coverage (the suites in ALONE run the bundle in child processes: they add none).
run(['--maxWorkers=2', '--testPathIgnorePatterns', ...escaped, '--']);
run(['--runInBand', '--coverage=false', '--passWithNoTests', '--testPathPattern', escaped.join('|'), '--']);
