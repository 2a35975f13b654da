#!/usr/bin/env node
// The integration tests (test/integ.*.ts) through integ-runner, each app run with the project's own
// TypeScript loader (scripts/register-ts.js; `cdk-ivs` is the built lib/, so `npm run build` first).
//   npm run integ             synthesizes each test and compares it with its committed snapshot
//                             (test/integ.*.ts.snapshot/), offline: no AWS call, nothing deployed
//   npm run integ:snapshot    rewrites the snapshots without deploying (after a reviewed change)
//   npm run integ:deploy      needs AWS credentials: deploys each test to the account, runs its
//                             assertions (they read back what it made with the IVS API), destroys
//                             it, and writes the snapshot only if everything passed
// Extra arguments go to integ-runner (e.g. a test name, or --parallel-regions us-west-2).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const MODES = {
  check: [],
  snapshot: ['--dry-run', '--force'],
  deploy: ['--update-on-failed', '--force', '--no-update-workflow'],
};
const given = process.argv.slice(2);
const mode = MODES[given[0]] ? given[0] : 'check';
const rest = MODES[given[0]] ? given.slice(1) : given;

const bin = path.join(path.dirname(require.resolve('@aws-cdk/integ-runner/package.json')), 'bin', 'integ-runner');
const args = [
  bin,
  '--directory', 'test',
  '--language', 'typescript',
  // register-ts: the project's TypeScript loader; integ-schema-shim: see that file (integ-runner lags aws-cdk-lib's assembly schema)
  '--app', `node -r ${JSON.stringify(path.join(__dirname, 'register-ts.js'))} -r ${JSON.stringify(path.join(__dirname, 'integ-schema-shim.js'))} {filePath}`,
  ...MODES[mode],
  ...rest,
];
// Offline runs: no version check, no telemetry, no EC2 instance metadata lookup for credentials.
// No stack traces in the snapshot's metadata (warnings'): they name this machine's paths.
const env = { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_STACK_TRACE: '1' };
if (mode !== 'deploy') Object.assign(env, { AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' });
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
if (mode === 'check' && result.status !== 0) {
  console.error('integ: a snapshot differs from the synthesized test (diff above). If the change is meant, run '
    + 'npm run build && npm run integ:snapshot (no deploy) and commit test/*.snapshot/, or npm run integ:deploy with an AWS account.');
}
process.exit(result.status ?? 1);
