// Measures what users pay for cdk-ivs and reports it (never asserted as a test):
// the handler bundle's size, the handler's cold load time, and synth time for stacks of 1 and 50
// channels. Run with `npm run bench` after `npm run build`; writes bench/RESULTS.md.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'assets', 'provider', 'index.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bundleSize() {
  const raw = fs.readFileSync(bundle);
  const meta = JSON.parse(fs.readFileSync(path.join(root, 'assets', 'provider-meta.json'), 'utf8'));
  const output = Object.values(meta.outputs)[0] as { inputs: Record<string, { bytesInOutput: number }> };
  const byPackage = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.startsWith('lib/') ? 'lib/ (contract, model facts)' : 'lambda/ (handler)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { bytes: raw.length, gzip: zlib.gzipSync(raw).length, top };
}

/** Cold load: a fresh node process that requires the bundle, timed inside the process. */
function coldLoadMs(runs: number): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});` +
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Number(execFileSync(process.execPath, ['-e', script]).toString()));
  return median(times);
}

/** Synth time of a stack with n channels, in a fresh process, CloudFormation validation on (the default). */
function synthMs(channels: number, runs: number): number {
  const script = `
    const { App, Stack } = require('aws-cdk-lib');
    const { Channel } = require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
    const os = require('os'); const fs = require('fs'); const path = require('path');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-bench-'));
    const t = process.hrtime.bigint();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bench');
    for (let i = 0; i < ${channels}; i++) new Channel(stack, 'Channel' + i).addStreamKey('Key');
    app.synth();
    process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));
    fs.rmSync(outdir, { recursive: true, force: true });`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Number(execFileSync(process.execPath, ['-e', script], { cwd: root }).toString()));
  return median(times);
}

function main() {
  if (!fs.existsSync(bundle)) throw new Error('no handler bundle: run `npm run build` first');
  const size = bundleSize();
  const load = coldLoadMs(7);
  const synth1 = synthMs(1, 3);
  const synth50 = synthMs(50, 3);
  const lines = [
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, node ${process.version}, ` +
      `${os.cpus().length} cores. Re-run with \`npm run bench\`.`,
    '',
    '| what | figure |',
    '| --- | --- |',
    `| handler bundle (assets/provider/index.js) | ${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzip / 1024).toFixed(1)} KiB gzipped |`,
    `| handler cold load (require the bundle, median of 7 fresh processes) | ${load.toFixed(1)} ms |`,
    `| synth, 1 channel + stream key (median of 3) | ${synth1.toFixed(0)} ms |`,
    `| synth, 50 channels + stream keys (median of 3) | ${synth50.toFixed(0)} ms |`,
    '',
    'Largest parts of the bundle:',
    '',
    '| input | KiB |',
    '| --- | --- |',
    ...size.top.map(([name, bytes]) => `| ${name} | ${(bytes / 1024).toFixed(1)} |`),
    '',
  ];
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main();
