// The provider's handler against AwsCustomResource's: bundle size, cold module load in fresh processes,
// and a first invocation against the emulator, each a cold Lambda process (the harness's).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { CreateChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import type { Plugin } from 'esbuild';
import { TEST_ACCOUNT_ID, TEST_CREDENTIALS, startEmulator } from '../test/emulator';
import { deploy } from '../test/harness';
import { Spread, spread } from './stats';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle, exactModules } = require('../scripts/bundle-handler') as {
  bundle: (entry: string, outfile: string, plugins?: Plugin[]) => Promise<unknown>;
  exactModules: (modules: readonly string[]) => RegExp;
};

const root = path.join(__dirname, '..');
export const BUNDLE = path.join(root, 'assets', 'provider', 'index.js');
/** AwsCustomResource's handler as aws-cdk-lib ships it; on Lambda it loads the runtime's SDK client at its first call. */
export const ACR_HANDLER = path.join(root, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'custom-resources',
  'aws-custom-resource-handler', 'index.js');

/** The bundle's target: at most 64 KiB gzipped, with the IVS, Secrets Manager and STS clients. */
export const BUNDLE_TARGET_GZIP = 64 * 1024;

export interface BundleFigures {
  readonly bytes: number;
  readonly gzip: number;
  /** The largest inputs of the bundle, by package (bytes in the output). */
  readonly parts: ReadonlyArray<readonly [string, number]>;
  /** Gzipped bytes of the IVS client alone sending one command, bundled as the handler is: the SDK's floor. */
  readonly ivsClientAloneGzip: number;
  /** Gzipped bytes of the handler with its Secrets Manager and STS clients left out (stand-ins that throw). */
  readonly ivsOnlyHandlerGzip: number;
}

/** One IvsClient sending one command, and nothing else: what any handler calling IVS with the SDK bundles at least. */
const IVS_CLIENT_ALONE = `import { GetChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
export const handler = (event: { arn: string }) => new IvsClient({}).send(new GetChannelCommand({ arn: event.arn }));
`;

/** An esbuild plugin putting in place of each of `modules` a stand-in with the same export names, each throwing when used. */
function leaveOut(modules: readonly string[]): Plugin {
  return {
    name: 'leave-out',
    setup(build) {
      build.onResolve({ filter: exactModules(modules) }, (args) => ({ path: args.path, namespace: 'left-out' }));
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, async (args) => ({
        contents: Object.keys(await import(args.path)).filter((name) => name !== 'default')
          .map((name) => `export const ${name} = new Proxy(function () {}, { get() { throw new Error('left out'); } });`).join('\n'),
        loader: 'js',
      }));
    },
  };
}

/** The gzipped size of `entry` (a file, or a module's text) bundled as the handler is, with `plugins` besides. */
async function gzippedBundle(entry: { file?: string; text?: string }, plugins: Plugin[] = []): Promise<number> {
  const dir = fs.mkdtempSync(path.join(root, '.bench-bundle-'));
  try {
    const file = entry.file ?? path.join(dir, 'entry.ts');
    if (entry.text !== undefined) fs.writeFileSync(file, entry.text);
    await bundle(file, path.join(dir, 'out.js'), plugins);
    return zlib.gzipSync(fs.readFileSync(path.join(dir, 'out.js'))).length;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function bundleFigures(): Promise<BundleFigures> {
  const raw = fs.readFileSync(BUNDLE);
  const meta = JSON.parse(fs.readFileSync(path.join(root, 'assets', 'provider-meta.json'), 'utf8'));
  const output = Object.values(meta.outputs)[0] as { inputs: Record<string, { bytesInOutput: number }> };
  const byPackage = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.startsWith('lib/') ? 'lib/ (contract)' : 'lambda/ (the handler)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return {
    bytes: raw.length,
    gzip: zlib.gzipSync(raw).length,
    parts: [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8),
    ivsClientAloneGzip: await gzippedBundle({ text: IVS_CLIENT_ALONE }),
    ivsOnlyHandlerGzip: await gzippedBundle({ file: path.join(root, 'lambda', 'index.ts') },
      [leaveOut(['@aws-sdk/client-secrets-manager', '@aws-sdk/client-sts'])]),
  };
}

export interface ColdLoadFigures {
  readonly cdkIvs: Spread;
  readonly awsCustomResource: Spread;
}

/**
 * Module load in fresh processes, timed inside each: cdk-ivs requires its bundle (the SDK clients
 * inside); AwsCustomResource requires its handler and the SDK client it loads at its first call
 * (`@aws-sdk/client-ivs`, resolved as the Lambda runtime's SDK would be: this project's copy).
 */
export function coldLoad(runs: number): ColdLoadFigures {
  const time = (requires: string[]) => {
    const script = `const t=process.hrtime.bigint();${requires.map((r) => `require(${JSON.stringify(r)});`).join('')}`
      + 'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
    return Number(execFileSync(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }).toString());
  };
  const cdkIvs: number[] = [];
  const acr: number[] = [];
  for (let i = 0; i < runs; i++) {
    cdkIvs.push(time([BUNDLE]));
    acr.push(time([ACR_HANDLER, '@aws-sdk/client-ivs']));
  }
  return { cdkIvs: spread(cdkIvs), awsCustomResource: spread(acr) };
}

export interface FirstInvocationFigures {
  readonly cdkIvs: Spread;
  readonly awsCustomResource: Spread;
}

const APP = path.join(__dirname, 'synth-app.js');

/**
 * The first invocation of each handler in a fresh Lambda process, reading one channel the emulator holds:
 * cdk-ivs's ChannelLookup (BatchGetChannel, and BatchGetStreamKey), AwsCustomResource's GetChannel (its
 * GetStreamKey is a second resource, a second invocation). From the request to the answer, as
 * CloudFormation waits for it. The assembly is written inside the project so that AwsCustomResource's
 * handler finds `@aws-sdk/client-ivs` as it finds the runtime's on Lambda.
 */
export async function firstInvocation(runs: number, workdir: string): Promise<FirstInvocationFigures> {
  const cdkIvs: number[] = [];
  const acr: number[] = [];
  for (let run = 0; run < runs; run++) {
    const emulator = await startEmulator({ throttle: { timeScale: 1 } });
    try {
      const ivs = new IvsClient(emulator.clientConfig());
      const { channel, streamKey } = await ivs.send(new CreateChannelCommand({ name: 'bench-first' }));
      ivs.destroy();
      const env = { ...process.env, BENCH_CHANNEL_ARNS: channel!.arn!, BENCH_STREAM_KEY_ARNS: streamKey!.arn! };
      for (const [peer, type, into] of [['cdk-ivs-lookup', 'Custom::IvsChannelLookup', cdkIvs], ['acr-lookup', 'Custom::AWS', acr]] as const) {
        const dir = path.join(workdir, `first-${peer}`);
        fs.rmSync(dir, { recursive: true, force: true });
        const synth = spawnSync(process.execPath, [APP, peer, '1', 'off', dir], { cwd: root, env, encoding: 'utf8' });
        if (synth.status !== 0) throw new Error(`synth of ${peer} failed: ${synth.stderr.slice(0, 1000)}`);
        const d = await deploy(dir, 'Bench', {
          endpoint: emulator.url, region: emulator.region, accountId: TEST_ACCOUNT_ID,
          credentials: emulator.issueCredentials(TEST_ACCOUNT_ID, 'bench-provider'), deployerCredentials: TEST_CREDENTIALS,
        });
        const step = d.result.records.find((r) => r.resourceType === type && r.requestType === 'Create');
        if (!d.result.success || !step) throw new Error(`first invocation of ${peer}: ${d.result.stackStatus} ${d.result.reason ?? ''}`);
        into.push(step.durationMs);
        await d.destroy();
        await d.close().catch(() => undefined);
      }
    } finally {
      await emulator.close();
    }
  }
  return { cdkIvs: spread(cdkIvs), awsCustomResource: spread(acr) };
}
