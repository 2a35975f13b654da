// Preloaded into the integration test apps by scripts/integ.js (`node -r`), never into users' apps.
// integ-runner 2.197.10, the newest on npm, reads cloud assembly schema versions up to the major it
// bundles (53), while aws-cdk-lib 2.276.0 writes 55, and the runner refuses the assembly. When the app
// exits, this stamps the version integ-runner reads on the assembly's manifests (manifest.json,
// integ.json, *.assets.json); it does nothing once integ-runner reads the library's version. The
// templates and assets, which the snapshot comparison and a deploy use, are left as written.
'use strict';
const fs = require('fs');
const path = require('path');

const runnerMajor = (() => {
  const bundle = path.join(path.dirname(require.resolve('@aws-cdk/integ-runner/package.json')), 'lib', 'workers', 'extract', 'index.js');
  const match = /"\.\.\/cloud-assembly-schema\/schema\/version\.json"[^}]*?revision: (\d+)/.exec(fs.readFileSync(bundle, 'utf8'));
  if (!match) throw new Error('integ-schema-shim: cannot find the cloud assembly schema version integ-runner reads');
  return Number(match[1]);
})();

function stamp(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name.startsWith('assembly-')) stamp(file);
    if (!entry.isFile() || !/^(manifest|integ)\.json$|\.assets\.json$/.test(entry.name)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    const major = Number(String(manifest.version).split('.')[0]);
    if (major > runnerMajor) {
      manifest.version = `${runnerMajor}.0.0`;
      delete manifest.minimumCliVersion;
      fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
    }
  }
}

process.on('exit', (code) => {
  const outdir = process.env.CDK_OUTDIR;
  if (code === 0 && outdir && fs.existsSync(outdir)) stamp(outdir);
});
