#!/usr/bin/env node
// Bundles the provider handler (lambda/index.ts) with esbuild into assets/provider/index.js, the
// folder the provider's Lambda code comes from. The AWS SDK clients are bundled (not taken from the
// Lambda runtime) so the handler always has the IVS fields this library was built against.
// Any esbuild warning fails the build.
'use strict';
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'assets', 'provider');

async function main() {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'lambda', 'index.ts')],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // ES-module builds first, so unused SDK code is tree-shaken away.
    mainFields: ['module', 'main'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    console.error(text.join('\n'));
    throw new Error(`esbuild: ${result.warnings.length} warning(s); warnings fail the build`);
  }
  const bytes = fs.statSync(path.join(outdir, 'index.js')).size;
  fs.writeFileSync(path.join(root, 'assets', 'provider-meta.json'), JSON.stringify(result.metafile));
  console.log(`bundle-handler: assets/provider/index.js ${(bytes / 1024).toFixed(1)} KiB`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
