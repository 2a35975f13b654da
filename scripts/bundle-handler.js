#!/usr/bin/env node
// Bundles the provider handler (lambda/index.ts) with esbuild into assets/provider/index.js, the
// folder the provider's Lambda code comes from. The AWS SDK clients are bundled (not taken from the
// Lambda runtime) so the handler always has the IVS fields this library was built against.
// Any esbuild warning fails the build.
//
// Three things of the SDK are swapped, to keep the bundle small (bench/ measures it):
// - the default credential chain, for lambda/env-credentials.ts (the credentials Lambda puts in the
//   environment): its providers and their nested clients were most of the bundle, and none of them
//   can find anything in a Lambda that the environment lacks;
// - event stream support, loaded only by an operation with an event stream: the IVS model
//   (../shared/aws-models/ivs-2020-07-14.json) has none, nor do the Secrets Manager and STS
//   operations the handler calls; the stand-in fails loudly should one ever appear;
// - each client's package.json, of which the SDK reads only `version` (for its User-Agent).
'use strict';
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

/** Modules the bundle takes from lambda/ instead of node_modules (tests keep the real ones). */
const SWAPPED = {
  '@aws-sdk/credential-provider-node': path.join(root, 'lambda', 'env-credentials.ts'),
};

const NO_EVENT_STREAMS = 'throw new Error("cdk-ivs bundle: event streams are left out (no operation the handler calls has one)");';

/** An esbuild filter matching exactly the imports of `modules` (package names). */
function exactModules(modules) {
  return new RegExp(`^(${modules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`);
}

const swapModules = {
  name: 'swap-modules',
  setup(build) {
    build.onResolve({ filter: exactModules(Object.keys(SWAPPED)) }, (args) => ({ path: SWAPPED[args.path] }));
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({ path: 'no-event-streams', namespace: 'swapped' }));
    build.onLoad({ filter: /.*/, namespace: 'swapped' }, () => ({ contents: NO_EVENT_STREAMS, loader: 'js' }));
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z-]+[\\/]package\.json$/ }, (args) => ({
      contents: JSON.stringify({ version: JSON.parse(fs.readFileSync(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

/**
 * Bundles `entry` to `outfile` as the provider's bundle is made (the swaps above, minified, node22; `plugins`
 * besides) and returns esbuild's metafile; bench/handler.ts bundles its variants this way. Warnings fail it.
 */
async function bundle(entry, outfile, plugins = []) {
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // ES-module builds first, so unused SDK code is tree-shaken away.
    mainFields: ['module', 'main'],
    legalComments: 'none',
    metafile: true,
    plugins: [swapModules, ...plugins],
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    console.error(text.join('\n'));
    throw new Error(`esbuild: ${result.warnings.length} warning(s); warnings fail the build`);
  }
  return result.metafile;
}

async function main() {
  // `node scripts/bundle-handler.js [dir]`: the bundle (and its metafile) go to `dir` instead, e.g. to compare variants.
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'assets', 'provider');
  const metafile = process.argv[2] ? path.join(outdir, 'meta.json') : path.join(root, 'assets', 'provider-meta.json');
  fs.rmSync(outdir, { recursive: true, force: true });
  const meta = await bundle(path.join(root, 'lambda', 'index.ts'), path.join(outdir, 'index.js'));
  const bytes = fs.statSync(path.join(outdir, 'index.js')).size;
  fs.writeFileSync(metafile, JSON.stringify(meta));
  console.log(`bundle-handler: ${path.relative(root, path.join(outdir, 'index.js'))} ${(bytes / 1024).toFixed(1)} KiB`);
}

module.exports = { bundle, exactModules };

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
