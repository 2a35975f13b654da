// bench/RESULTS.md from the figures: the targets first, then each section's table.
import * as fs from 'fs';
import type { DeployFigures, Summary } from './deploy';
import { BUNDLE_TARGET_GZIP } from './handler';
import type { Results } from './run';
import { Spread, kib, ratio, show, spread, table, verdict } from './stats';
import { CFN_LIMITS, HAS_VALIDATOR, IAM_INLINE_PER_ROLE, PEER_NAMES, SynthFigures, SynthPeer } from './synth';

const seconds = (s: Spread) => show({ median: s.median / 1000, min: s.min / 1000, max: s.max / 1000, runs: s.runs }, ' s', 1);

function synthOf(results: Results, peer: SynthPeer, n: number): SynthFigures | undefined {
  return results.synth?.find((f) => f.peer === peer && f.n === n);
}

/** Template bytes per looked-up channel: the template's bytes over the channels it reads. */
const bytesPerChannel = (f: SynthFigures) => f.facts.templateBytes / f.n;

function targets(results: Results): string[] {
  const rows: string[][] = [];
  const deployRow = (name: string, d: DeployFigures | undefined, limit: number): void => {
    if (!d) {
      rows.push([name, 'not measured', '']);
      return;
    }
    for (const [op, s] of [['create', d.create], ['delete', d.delete]] as const) {
      const ok = s.failures.max === 0 && s.ratio.median <= limit;
      rows.push([`${name}: ${op}, 0 failures, within ${limit}x the quota floor`,
        `${seconds(s.wall)} against a floor of ${(s.floorMs / 1000).toFixed(1)} s (${s.floorOperation}): ${show(s.ratio, 'x', 2)} `
        + `(${show(s.ratioAfterStart, 'x', 2)} from the first call, at ${seconds(s.firstCall)}); ${s.failures.max} failures; `
        + `${show(s.callsPerResource, '', 2)} IVS calls per channel`, verdict(ok)]);
    }
  };
  const cases = (channels: number, stacks: number) => (results.deploys ?? []).filter((d) => d.kase.peer === 'cdk-ivs'
    && d.kase.channels === channels && d.kase.stacks === stacks).sort((a, b) => b.kase.concurrency - a.kase.concurrency);
  const atOnce = (d: DeployFigures) => (d.kase.concurrency >= d.kase.channels / d.kase.stacks ? 'all Lambdas at once'
    : `${d.kase.concurrency} Lambdas at once per stack`);
  for (const d of cases(240, 1)) deployRow(`240 channels with keys, one stack, ${atOnce(d)}`, d, 1.2);
  if (cases(240, 1).length === 0) deployRow('240 channels with keys, one stack', undefined, 1.2);
  for (const d of cases(1000, 5)) deployRow(`1,000 channels with keys in 5 stacks at once, ${atOnce(d)}`, d, 1.3);
  if (cases(1000, 5).length === 0) deployRow('1,000 channels with keys in 5 stacks at once', undefined, 1.3);
  if (results.coldLoad) {
    const r = ratio(results.coldLoad.cdkIvs, results.coldLoad.awsCustomResource);
    rows.push(['cold module load at most 0.5x AwsCustomResource\'s', `${show(results.coldLoad.cdkIvs, ' ms', 1)} against `
      + `${show(results.coldLoad.awsCustomResource, ' ms', 1)}: ${r.toFixed(2)}x`, verdict(r <= 0.5)]);
  }
  if (results.bundle) {
    rows.push(['bundle at most 64 KiB gzipped (IVS, Secrets Manager and STS clients)', `${kib(results.bundle.gzip)} gzipped (${kib(results.bundle.bytes)} raw)`,
      verdict(results.bundle.gzip <= BUNDLE_TARGET_GZIP)]);
  }
  const l1 = synthOf(results, 'l1', 100);
  const ours = synthOf(results, 'cdk-ivs', 100);
  if (l1 && ours) {
    for (const v of ['off', 'on'] as const) {
      const r = ratio(ours[v]!, l1[v]!);
      rows.push([`synth at N = 100 at most 1.2x the L1's (validator ${v})`, `${show(ours[v]!, ' ms')} against ${show(l1[v]!, ' ms')}: ${r.toFixed(2)}x`, verdict(r <= 1.2)]);
    }
  }
  for (const [ours2, theirs] of [['cdk-ivs-lookup', 'acr-lookup'], ['cdk-ivs-lookup-role', 'acr-lookup-role']] as const) {
    const a = synthOf(results, ours2, 100);
    const b = synthOf(results, theirs, 100);
    if (!a || !b) continue;
    const one = synthOf(results, ours2, 1);
    const r = bytesPerChannel(a) / bytesPerChannel(b);
    const iamPerItem = one ? a.facts.iamResources - one.facts.iamResources : NaN;
    rows.push([`template bytes per looked-up channel at most 0.35x AwsCustomResource's${ours2.endsWith('role') ? ', through a role' : ''}; no IAM resource per item`,
      `${bytesPerChannel(a).toFixed(0)} against ${bytesPerChannel(b).toFixed(0)} bytes at N = 100: ${r.toFixed(3)}x; IAM resources ${one?.facts.iamResources} at N = 1, `
      + `${a.facts.iamResources} at N = 100 (AwsCustomResource: ${b.facts.iamResources})`, verdict(r <= 0.35 && iamPerItem === 0)]);
  }
  return table(['target', 'measured (median, range, runs)', ''], rows);
}

function synthTables(results: Results): string[] {
  if (!results.synth) return ['Not measured in this run.'];
  const sizes = [...new Set(results.synth.map((f) => f.n))];
  const lines: string[] = [];
  for (const n of sizes) {
    lines.push('', `**N = ${n}**`, '');
    const l1 = synthOf(results, 'l1', n);
    lines.push(...table(
      ['peer', 'synth, validator on', 'validator off', 'vs L1 (off)', 'template', 'resources', 'by type', 'Lambda functions', 'largest IAM policy per role', 'fits'],
      results.synth.filter((f) => f.n === n).map((f) => {
        const policies = Object.values(f.facts.policyCharsPerRole);
        const largest = policies.length ? Math.max(...policies) : 0;
        const off = f.off ?? (HAS_VALIDATOR(f.peer) ? undefined : f.on);
        return [
          PEER_NAMES[f.peer],
          show(f.on, ' ms'),
          f.off ? show(f.off, ' ms') : 'no validator in its aws-cdk-lib',
          l1?.off && off ? `${ratio(off, l1.off).toFixed(2)}x` : '',
          `${f.facts.templateBytes.toLocaleString('en-US')} B`,
          f.facts.resources,
          Object.entries(f.facts.byType).sort((a, b) => b[1] - a[1]).map(([t, c]) => `${t.replace(/^AWS::|^Custom::/, '')} ${c}`).join(', '),
          f.facts.lambdaFunctions,
          policies.length ? `${largest.toLocaleString('en-US')}${largest > IAM_INLINE_PER_ROLE ? ' (over IAM\'s 10,240)' : ''}` : '-',
          f.facts.fits ? 'yes' : `**no** (${f.facts.resources > CFN_LIMITS.resources ? `${f.facts.resources} resources > 500` : 'template > 1 MB'})`,
        ];
      })));
  }
  return lines;
}

function handlerTables(results: Results): string[] {
  const lines: string[] = [];
  if (results.bundle) {
    lines.push(...table(['handler bundle', 'raw', 'gzipped'], [
      ['assets/provider/index.js', kib(results.bundle.bytes), kib(results.bundle.gzip)],
      ...(results.bundle.ivsOnlyHandlerGzip ? [
        ['the handler, its Secrets Manager and STS clients left out (stand-ins), bundled the same way', '', kib(results.bundle.ivsOnlyHandlerGzip)],
        ['one IvsClient sending one command, and nothing else, bundled the same way', '', kib(results.bundle.ivsClientAloneGzip)],
      ] : []),
    ]));
    lines.push('', 'Largest parts (bytes in the output, before gzip):', '');
    lines.push(...table(['input', 'size'], results.bundle.parts.map(([name, bytes]) => [name, kib(bytes)])));
  }
  if (results.coldLoad && results.firstInvocation) {
    lines.push('', ...table(['', 'cdk-ivs', 'AwsCustomResource', 'ratio'], [
      ['cold module load (fresh process, timed inside it)', show(results.coldLoad.cdkIvs, ' ms', 1), show(results.coldLoad.awsCustomResource, ' ms', 1),
        `${ratio(results.coldLoad.cdkIvs, results.coldLoad.awsCustomResource).toFixed(2)}x`],
      ['first invocation against the emulator, cold (request to answer)', show(results.firstInvocation.cdkIvs, ' ms'),
        show(results.firstInvocation.awsCustomResource, ' ms'), `${ratio(results.firstInvocation.cdkIvs, results.firstInvocation.awsCustomResource).toFixed(2)}x`],
    ]));
  }
  return lines.length ? lines : ['Not measured in this run.'];
}

function deployTable(results: Results): string[] {
  if (!results.deploys?.length) return ['Not measured in this run.'];
  const row = (d: DeployFigures, op: 'create' | 'delete', s: Summary) => [
    `${d.kase.peer === 'l1' ? 'L1 (harness model of CloudFormation\'s handlers) ' : ''}${d.kase.channels.toLocaleString('en-US')}${d.kase.stacks > 1 ? ` in ${d.kase.stacks} stacks` : ''}`,
    `${d.kase.concurrency}${d.kase.stacks > 1 ? ' per stack' : ''}`,
    op,
    `${s.failures.max === 0 ? 0 : show(s.failures)}`,
    seconds(s.wall),
    `${(s.floorMs / 1000).toFixed(1)} s (${s.floorOperation})`,
    show(s.ratio, 'x', 2),
    seconds(s.firstCall),
    show(s.ratioAfterStart, 'x', 2),
    show(s.throttled),
    show(s.callsPerResource, '', 2),
    Object.entries(s.calls).sort((a, b) => b[1] - a[1]).map(([o, c]) => `${o} ${Math.round(c)}`).join(', '),
    seconds(s.longestInvocation),
  ];
  return table(['channels', 'Lambdas at once', 'operation', 'failures', 'wall time', 'quota floor', 'ratio to floor', 'first call at',
    'ratio from the first call', 'throttled calls',
    'IVS calls per channel', 'IVS calls executed', 'longest invocation'],
  results.deploys.flatMap((d) => [row(d, 'create', d.create), row(d, 'delete', d.delete)]));
}

/** Why a missed target is missed, from the figures. */
function misses(results: Results): string[] {
  const lines: string[] = [];
  if (results.bundle && results.bundle.gzip > BUNDLE_TARGET_GZIP) {
    const sdk = results.bundle.parts.filter(([name]) => /^@(smithy|aws-sdk|aws)\//.test(name) && !/client-/.test(name)).reduce((a, [, b]) => a + b, 0);
    const clients = results.bundle.parts.filter(([name]) => /client-/.test(name)).reduce((a, [, b]) => a + b, 0);
    lines.push(`- **Bundle**: ${kib(results.bundle.gzip)} gzipped against 64 KiB. The default credential chain and its nested clients are gone `
      + '(lambda/env-credentials.ts takes the credentials Lambda puts in the environment), and so are event streams (no operation the handler '
      + `calls has one) and the clients' package.json: 113 KiB before. What is left is the SDK's core that the three clients share (${kib(sdk)} `
      + 'of the largest parts, before gzip: protocols, serde, endpoint rules, retries, signing, the HTTP handler), the three clients\' schemas and '
      + `errors (${kib(clients)}) and the handler itself; none of it is dead code in a Lambda. `
      + (results.bundle.ivsOnlyHandlerGzip
        ? `Two figures of the same build show the floor: one IvsClient sending one command, and nothing else, bundles to ${kib(results.bundle.ivsClientAloneGzip)} `
          + `gzipped; the handler with its Secrets Manager and STS clients left out (stand-ins) to ${kib(results.bundle.ivsOnlyHandlerGzip)}`
          + `${results.bundle.ivsOnlyHandlerGzip > BUNDLE_TARGET_GZIP ? ', over the target with the IVS client alone' : ''}. `
        : '')
      + 'Getting to 64 KiB would mean replacing SDK internals (its protocol or endpoint code), or the SDK clients, with code of our own, '
      + 'which the tests that mock the SDK clients would no longer cover.');
  }
  const allAtOnce = (results.deploys ?? []).filter((d) => d.kase.peer === 'cdk-ivs' && d.kase.concurrency >= d.kase.channels / d.kase.stacks
    && d.create.ratio.median > (d.kase.stacks > 1 ? 1.3 : 1.2));
  for (const d of allAtOnce) {
    lines.push(`- **${d.kase.channels} channels, all Lambdas at once**: the first ${d.create.floorOperation} is executed only `
      + `${seconds(d.create.firstCall)} after the deploy starts: this machine's ${results.machine.cores} cores start ${d.kase.channels} Lambda `
      + 'processes at once, each loading Node.js and the handler and taking its create claim (a Secrets Manager call) before its first IVS '
      + `request: ${(d.create.firstCall.median / 1000 * results.machine.cores / (d.kase.channels / d.kase.stacks)).toFixed(2)} s of a core each `
      + 'if the cores did nothing else, where Lambda gives each invocation a sandbox of its own. From '
      + `that first call on, the create keeps to ${show(d.create.ratioAfterStart, 'x', 2)} the floor and the delete to `
      + `${show(d.delete.ratioAfterStart, 'x', 2)}: IVS's quota is used to the last call. With fewer Lambdas at once, fewer processes start `
      + 'together and the same deploy is within the target (the rows above).');
  }
  lines.push('- **Deploys of the L1 and the alpha** are not in the table: their channels are created by CloudFormation\'s own IVS handlers, '
    + 'whose retries under throttling are not documented; the harness\'s model of them (the SDK\'s standard retries) would measure the model. '
    + 'Their calls per channel are known from the resource types: CreateChannel, then DeleteStreamKey (AWS::IVS::Channel makes no stream key) and '
    + 'CreateStreamKey for the key, 3 on create; DeleteStreamKey and DeleteChannel, 2 on delete; against cdk-ivs\'s 2 and 1.');
  return lines;
}

export function writeReport(results: Results, file: string): void {
  const m = results.machine;
  const load = Object.entries(results.load ?? {}).map(([name, [a, b]]) => `${name} ${a.toFixed(1)} → ${b.toFixed(1)}`).join(', ');
  const lines = [
    '# Benchmarks',
    '',
    `Measured ${m.date} by \`npm run bench\` at commit ${m.commit}, on ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node.js ${m.node}. `
      + `The 1-minute load average before and after each section (the bench's own processes, and anything else the machine ran) was ${load || 'not recorded'} `
      + `(on ${m.cores} cores), so the times are noisy; every figure is a median with its range (min–max) and the number of runs.`,
    '',
    ...table(['package', 'version'], Object.entries(m.versions)),
    '',
    '## Targets',
    '',
    ...targets(results),
    '',
    '### Where a target is missed',
    '',
    ...misses(results),
    '',
    '## Synth',
    '',
    'Wall time of a fresh `node` process that loads the libraries, builds the stack and synthesizes it (what `cdk synth` runs, less the CLI). '
      + 'Template bytes as aws-cdk-lib writes them; "fits": at most 500 resources, 1 MB of template and 200 outputs (CloudFormation quotas). '
      + 'IAM policy characters are counted with intrinsic functions resolved to typical values; IAM allows 10,240 per role, inline policies together. '
      + 'The lookup peers read N channels and their stream keys; the first 30 channels\' playback URL and stream key ARN become outputs in both.',
    ...synthTables(results),
    '',
    '## Handler',
    '',
    ...handlerTables(results),
    '',
    '## Deploys under IVS\'s quotas',
    '',
    'In the emulator, IVS\'s real rates in real time (5 TPS for each channel and stream key operation: IVS service quotas, not adjustable), '
      + 'each Lambda invocation a process of its own. The quota floor of an operation is, for each IVS operation, its executed calls over its rate; '
      + 'the largest of these. CloudFormation documents no number of resources it runs at once in one stack, so each case gives the Lambdas at once.',
    '',
    ...deployTable(results),
    '',
  ];
  fs.writeFileSync(file, lines.join('\n'));
}

export { spread };
