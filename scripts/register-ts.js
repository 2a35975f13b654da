// `node -r ./scripts/register-ts.js file.ts`: runs the project's TypeScript tooling (examples, demo,
// bench) without a separate compile step. Each .ts file is transpiled with esbuild on load (no type
// checking: `npm run typecheck` does that), and the bare names `cdk-ivs` and `cdk-ivs/playback-token`
// resolve to this package's built lib/, as they would for a user who installed it.
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

require.extensions['.ts'] = (module, filename) => {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cdk-ivs') return path.join(root, 'lib', 'index.js');
  if (request === 'cdk-ivs/playback-token') return path.join(root, 'lib', 'playback-token.js');
  return resolve.call(this, request, ...rest);
};
