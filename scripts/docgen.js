#!/usr/bin/env node
// API.md, the API reference jsii-docgen generates from the jsii assembly (.jsii). `--check` generates
// it aside and fails if the committed API.md differs, so the reference stays true as the API grows.
// Needs `npm run build` first.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const committed = path.join(root, 'API.md');
const check = process.argv.includes('--check');

function generate(file) {
  const bin = path.join(path.dirname(require.resolve('jsii-docgen/package.json')), 'bin', 'jsii-docgen');
  execFileSync(process.execPath, [bin, '--output', file], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
  return fs.readFileSync(file, 'utf8');
}

function main() {
  if (!fs.existsSync(path.join(root, '.jsii'))) {
    console.error('docgen: no .jsii: run npm run build first');
    process.exit(1);
  }
  if (!check) {
    generate(committed);
    console.log('docgen: wrote API.md');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-docgen-'));
  try {
    const fresh = generate(path.join(dir, 'API.md'));
    const old = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '';
    if (fresh !== old) {
      const line = fresh.split('\n').findIndex((l, i) => l !== old.split('\n')[i]) + 1;
      console.error(`docgen: API.md is stale (it differs from the assembly's from line ${line}): run npm run docgen and commit API.md`);
      process.exit(1);
    }
    console.log('docgen: API.md matches the assembly');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
