// Synth of each peer's app with N items, each run a fresh `node bench/synth-app.js` process (what a
// user's `cdk synth` runs, without the CLI), timed from spawn to exit, with aws-cdk-lib's CloudFormation
// validator on and off; and what the template holds. Runs are interleaved across peers so that the
// machine's load falls on all of them alike.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Spread, spread } from './stats';

export const SYNTH_PEERS = ['l1', 'alpha', 'cdk-ivs', 'acr-lookup', 'acr-lookup-role', 'cdk-ivs-lookup', 'cdk-ivs-lookup-role'] as const;
export type SynthPeer = (typeof SYNTH_PEERS)[number];

export const PEER_NAMES: { readonly [P in SynthPeer]: string } = {
  'l1': 'aws-cdk-lib L1 (CfnChannel + CfnStreamKey)',
  'alpha': '@aws-cdk/aws-ivs-alpha (Channel + addStreamKey)',
  'cdk-ivs': 'cdk-ivs Channel (its key from CreateChannel)',
  'acr-lookup': 'AwsCustomResource GetChannel + GetStreamKey per channel',
  'acr-lookup-role': 'AwsCustomResource, through an assumed role',
  'cdk-ivs-lookup': 'cdk-ivs ChannelLookup (10-50 channels each)',
  'cdk-ivs-lookup-role': 'cdk-ivs ChannelLookup, through an assumed role',
};

/** Whether a peer's aws-cdk-lib has the CloudFormation validator (aws-cdk-lib 2.262 added it; the alpha pins 2.91). */
export const HAS_VALIDATOR = (peer: SynthPeer) => peer !== 'alpha';

/** CloudFormation's quotas a template must fit (CloudFormation user guide, quotas; aws-cdk-lib's Stack checks the same two). */
export const CFN_LIMITS = { resources: 500, templateBytes: 1_000_000, outputs: 200 };
/** IAM's quota on the inline policies of one role, whitespace not counted (IAM user guide, IAM and STS quotas). */
export const IAM_INLINE_PER_ROLE = 10_240;

export interface TemplateFacts {
  readonly templateBytes: number;
  readonly resources: number;
  readonly byType: { readonly [type: string]: number };
  readonly lambdaFunctions: number;
  readonly iamResources: number;
  /** Characters of inline policy per role (logical id), intrinsics resolved to typical values. */
  readonly policyCharsPerRole: { readonly [role: string]: number };
  readonly outputs: number;
  readonly fits: boolean;
}

export interface SynthFigures {
  readonly peer: SynthPeer;
  readonly n: number;
  readonly on: Spread;
  readonly off?: Spread;
  readonly facts: TemplateFacts;
}

const APP = path.join(__dirname, 'synth-app.js');

function synthOnce(peer: SynthPeer, n: number, validation: 'on' | 'off', outdir: string): number {
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [APP, peer, String(n), validation, outdir], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`synth of ${peer} with ${n} failed:\n${result.stderr.slice(0, 2000)}`);
  return ms;
}

export interface SynthOptions {
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly peers?: readonly SynthPeer[];
  readonly workdir: string;
  readonly log: (line: string) => void;
}

export function measureSynth(options: SynthOptions): SynthFigures[] {
  const peers = options.peers ?? SYNTH_PEERS;
  const times = new Map<string, number[]>();
  const key = (peer: SynthPeer, n: number, validation: string) => `${peer}/${n}/${validation}`;
  for (let run = 0; run < options.runs; run++) {
    for (const n of options.sizes) {
      for (const peer of peers) {
        for (const validation of HAS_VALIDATOR(peer) ? ['on', 'off'] as const : ['on'] as const) {
          const ms = synthOnce(peer, n, validation, path.join(options.workdir, `synth-${peer}-${n}-${validation}`));
          const k = key(peer, n, validation);
          times.set(k, [...times.get(k) ?? [], ms]);
        }
      }
    }
    options.log(`synth: run ${run + 1} of ${options.runs} done`);
  }
  return options.sizes.flatMap((n) => peers.map((peer) => ({
    peer,
    n,
    on: spread(times.get(key(peer, n, 'on'))!),
    off: HAS_VALIDATOR(peer) ? spread(times.get(key(peer, n, 'off'))!) : undefined,
    facts: templateFacts(path.join(options.workdir, `synth-${peer}-${n}-on`, 'Bench.template.json')),
  })));
}

export function templateFacts(file: string): TemplateFacts {
  const text = fs.readFileSync(file, 'utf8');
  const template = JSON.parse(text);
  const resources: { [id: string]: { Type: string; Properties?: any } } = template.Resources ?? {};
  const byType: { [type: string]: number } = {};
  for (const r of Object.values(resources)) byType[r.Type] = (byType[r.Type] ?? 0) + 1;
  const policyCharsPerRole: { [role: string]: number } = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const inline = (r.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument);
    const attached = Object.values(resources)
      .filter((p) => p.Type === 'AWS::IAM::Policy' && (p.Properties?.Roles ?? []).some((ref: any) => ref?.Ref === id))
      .map((p) => p.Properties.PolicyDocument);
    policyCharsPerRole[id] = [...inline, ...attached].reduce((sum, doc) => sum + JSON.stringify(resolve(doc, resources)).length, 0);
  }
  const count = Object.keys(resources).length;
  const outputs = Object.keys(template.Outputs ?? {}).length;
  return {
    templateBytes: Buffer.byteLength(text),
    resources: count,
    byType,
    lambdaFunctions: byType['AWS::Lambda::Function'] ?? 0,
    iamResources: (byType['AWS::IAM::Role'] ?? 0) + (byType['AWS::IAM::Policy'] ?? 0),
    policyCharsPerRole,
    outputs,
    fits: count <= CFN_LIMITS.resources && Buffer.byteLength(text) <= CFN_LIMITS.templateBytes && outputs <= CFN_LIMITS.outputs,
  };
}

/** Pseudo parameters, and resources' names and ARNs, as typical values (an IAM policy's size is counted resolved). */
function resolve(value: any, resources: { [id: string]: { Type: string } }): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, resources));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = value[fn];
    if (fn === 'Ref') return PSEUDO[arg] ?? `Bench-${arg}`.slice(0, 52) + '-ABCDEFGHIJKL';
    if (fn === 'Fn::GetAtt') return `arn:aws:${serviceOf(resources[arg[0]]?.Type)}:us-east-1:111111111111:${arg[0]}`.slice(0, 100);
    if (fn === 'Fn::Join') return resolve(arg[1], resources).join(arg[0]);
    if (fn === 'Fn::Sub') return String(Array.isArray(arg) ? arg[0] : arg).replace(/\$\{([^}]+)\}/g, (_, name) => PSEUDO[name] ?? 'x'.repeat(20));
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(value[k], resources)]));
}

const PSEUDO: { [name: string]: string } = {
  'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '111111111111', 'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Bench', 'AWS::StackId': 'arn:aws:cloudformation:us-east-1:111111111111:stack/Bench/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};

function serviceOf(type: string | undefined): string {
  return (type ?? 'AWS::X::Y').split('::')[1].toLowerCase();
}
