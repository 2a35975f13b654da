// `npm run bench`: cdk-ivs against what a user would use instead, in one run on one machine, written to
// bench/RESULTS.md (and the raw figures to .bench/results.json). Measured, never asserted by a test.
//   npm run build && npm run bench                      # everything (the deploys take most of an hour)
//   npm run bench -- --only=synth,handler               # sections: synth, handler, deploy
//   npm run bench -- --report                           # rewrite RESULTS.md from .bench/results.json
// Options: --sizes=1,10,100,240 --synth-runs=5 --load-runs=10 --first-runs=5 --deploy-runs=3
//          --deploys=100:100,100:50,240:240,240:50,1000x5:40 (channels[xstacks]:Lambdas at once per stack)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeployCase, DeployFigures, measureDeploy } from './deploy';
import { BUNDLE, BundleFigures, ColdLoadFigures, FirstInvocationFigures, bundleFigures, coldLoad, firstInvocation } from './handler';
import { writeReport } from './report';
import { SynthFigures, measureSynth } from './synth';

const root = path.join(__dirname, '..');
const workdir = path.join(root, '.bench');
const peersDir = path.join(__dirname, 'peers');

export interface Results {
  readonly machine: Machine;
  readonly synth?: SynthFigures[];
  readonly bundle?: BundleFigures;
  readonly coldLoad?: ColdLoadFigures;
  readonly firstInvocation?: FirstInvocationFigures;
  readonly deploys?: DeployFigures[];
  readonly load: { readonly [section: string]: readonly [number, number] };
}

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly commit: string;
  readonly versions: { readonly [pkg: string]: string };
}

function args(): Map<string, string> {
  return new Map(process.argv.slice(2).map((a) => {
    const [k, v = 'true'] = a.replace(/^--/, '').split('=');
    return [k, v];
  }));
}

function versionOf(pkg: string, base = root): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(base, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function machine(): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch { /* not a checkout */ }
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit,
    versions: {
      'cdk-ivs': JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
      'aws-cdk-lib': versionOf('aws-cdk-lib'),
      'constructs': versionOf('constructs'),
      '@aws-cdk/aws-ivs-alpha': versionOf('@aws-cdk/aws-ivs-alpha', peersDir),
      'aws-cdk-lib (the alpha\'s)': versionOf('aws-cdk-lib', peersDir),
      '@aws-sdk/client-ivs': versionOf('@aws-sdk/client-ivs'),
      '@aws-sdk/client-secrets-manager': versionOf('@aws-sdk/client-secrets-manager'),
      '@aws-sdk/client-sts': versionOf('@aws-sdk/client-sts'),
      'esbuild': versionOf('esbuild'),
    },
  };
}

/** The alpha and the aws-cdk-lib it pins live in bench/peers/, installed here from its lock file (npm registry only). */
function ensurePeers(log: (line: string) => void): void {
  if (fs.existsSync(path.join(peersDir, 'node_modules', '@aws-cdk', 'aws-ivs-alpha', 'package.json'))) return;
  log('installing bench/peers (@aws-cdk/aws-ivs-alpha and its aws-cdk-lib) ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const command = fs.existsSync(path.join(peersDir, 'package-lock.json')) ? 'ci' : 'install';
  execFileSync(npm, [command, '--no-audit', '--no-fund'], { cwd: peersDir, stdio: 'inherit' });
}

function parseDeploys(text: string): DeployCase[] {
  return text.split(',').map((item) => {
    const m = /^(l1:)?(\d+)(?:x(\d+))?:(\d+)$/.exec(item.trim());
    if (!m) throw new Error(`--deploys: '${item}' is not [l1:]<channels>[x<stacks>]:<at once per stack>`);
    return { peer: m[1] ? 'l1' : 'cdk-ivs', channels: Number(m[2]), stacks: Number(m[3] ?? 1), concurrency: Number(m[4]) };
  });
}

async function main(): Promise<void> {
  const a = args();
  const log = (line: string) => console.log(line);
  fs.mkdirSync(workdir, { recursive: true });
  const resultsFile = path.join(workdir, 'results.json');
  if (a.has('report')) {
    writeReport(JSON.parse(fs.readFileSync(resultsFile, 'utf8')), path.join(__dirname, 'RESULTS.md'));
    return;
  }
  if (!fs.existsSync(BUNDLE) || !fs.existsSync(path.join(root, 'lib', 'index.js'))) throw new Error('run `npm run build` first (the bench uses lib/*.js and the bundle)');
  const only = new Set((a.get('only') ?? 'synth,handler,deploy').split(','));
  ensurePeers(log);
  // Sections measured before keep their figures when only some are run again.
  const previous: Partial<Results> = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};
  const load: { [section: string]: readonly [number, number] } = { ...previous.load };
  const results: { -readonly [K in keyof Results]: Results[K] } = { ...previous, machine: machine(), load };
  const section = async (name: string, run: () => Promise<void> | void) => {
    if (!only.has(name)) return;
    const before = os.loadavg()[0];
    await run();
    load[name] = [before, os.loadavg()[0]];
    fs.writeFileSync(resultsFile, JSON.stringify(results, null, 1));
  };
  await section('synth', () => {
    const sizes = (a.get('sizes') ?? '1,10,100,240').split(',').map(Number);
    results.synth = measureSynth({ sizes, runs: Number(a.get('synth-runs') ?? 5), workdir, log });
  });
  await section('handler', async () => {
    results.bundle = await bundleFigures();
    results.coldLoad = coldLoad(Number(a.get('load-runs') ?? 10));
    log('handler: cold load measured');
    results.firstInvocation = await firstInvocation(Number(a.get('first-runs') ?? 5), workdir);
    log('handler: first invocations measured');
  });
  await section('deploy', async () => {
    const cases = parseDeploys(a.get('deploys') ?? '100:100,100:50,240:240,240:50,1000x5:40');
    const runs = Number(a.get('deploy-runs') ?? 3);
    const keyOf = (k: DeployCase) => `${k.peer}/${k.channels}x${k.stacks}:${k.concurrency}`;
    const rerun = new Set(cases.map(keyOf));
    const figures: DeployFigures[] = (previous.deploys ?? []).filter((d) => !rerun.has(keyOf(d.kase)));
    for (const kase of cases) {
      figures.push(await measureDeploy(kase, runs, workdir, log));
      results.deploys = [...figures];
      fs.writeFileSync(resultsFile, JSON.stringify(results, null, 1));
    }
  });
  writeReport(results, path.join(__dirname, 'RESULTS.md'));
  log(`wrote bench/RESULTS.md and ${path.relative(root, resultsFile)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
