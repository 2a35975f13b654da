// `npm run demo`: the example app end to end with no AWS account. Synthesizes examples/ with the
// aws-cdk CLI, deploys it into the local IVS emulator (test/emulator) through the local deploy harness
// (test/harness, which runs the synthesized provider asset as CloudFormation would), prints what a
// user wants from it, plays the private channel at the emulator's playback edge with a token from the
// example's token signer, applies an update, destroys it and checks nothing is left behind. Then the
// cross-account example: a partner account's stack (the role, a channel), and a stack of this account
// that reads that channel and its stream key through the role.
import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { signPlaybackToken } from 'cdk-ivs/playback-token';
import { IvsEmulator, SECOND_ACCOUNT_ID, startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS } from '../test/emulator';
import { Deployment, deploy, Json, JsonObject, loadStack, OperationResult, Resolver } from '../test/harness';
import { handler } from './token-signer';

const STACK = 'CdkIvsExample';
const examples = __dirname;
const cdkCli = path.join(examples, '..', 'node_modules', '.bin', 'cdk');

/**
 * `cdk synth` of an example app (examples/cdk.json's, or `app`) with context values, into its own
 * cloud assembly folder.
 */
function synth(what: string, context: { [key: string]: string }, outdir: string, app?: string): void {
  const started = Date.now();
  const args = ['synth', '--quiet', '--no-notices', ...Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]), '-o', outdir];
  try {
    execFileSync(cdkCli, app ? [...args, '--app', app] : args, {
      cwd: examples,
      stdio: 'pipe',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
    });
  } catch (error) {
    // The CLI's own words (its stderr) say what went wrong; it is quiet only on success.
    process.stderr.write((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`cdk synth of ${what} failed`, { cause: error });
  }
  console.log(`synthesized ${what} with the aws-cdk CLI in ${Date.now() - started} ms`);
}

/** One line per resource step; resources the harness does not simulate (IAM, Lambda) are left out. */
function progress(line: string, event: { status: string }): void {
  if (event.status !== 'SKIPPED') console.log(`  ${line}`);
}

function check(result: OperationResult, expected: string): void {
  console.log(`${expected === result.stackStatus ? '✔' : '✘'} ${result.stackStatus} in ${result.durationMs} ms\n`);
  if (result.stackStatus !== expected) throw new Error(`expected ${expected}, got ${result.stackStatus}: ${result.reason ?? ''}`);
}

async function main(): Promise<void> {
  // The Lambda runtime is Node 24; the SDK's notice about older local Node versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-demo-'));
  const emulator = await startEmulator({ region: 'us-east-1' });
  console.log(`IVS emulator (IVS, Secrets Manager, STS, IAM, Cloud Control, playback) listening on ${emulator.url}\n`);
  try {
    const initial = path.join(work, 'cdk.out');
    const updated = path.join(work, 'cdk.out.update');
    synth(`${STACK} (stage=initial)`, { stage: 'initial' }, initial);
    synth(`${STACK} (stage=update)`, { stage: 'update' }, updated);

    console.log(`\n== deploy ${STACK}`);
    const stack = await deploy(initial, STACK, {
      endpoint: emulator.url,
      credentials: TEST_CREDENTIALS,
      accountId: TEST_ACCOUNT_ID,
      region: emulator.region,
      onProgress: progress,
    });
    check(stack.result, 'CREATE_COMPLETE');

    console.log('Outputs (secrets stay in Secrets Manager; only their ARNs are printed):');
    for (const [name, value] of Object.entries(stack.outputs)) console.log(`  ${name.padEnd(28)} ${value}`);
    const secretArn = stack.outputs.StreamKeySecretArn;
    const fields = Object.keys(JSON.parse(emulator.state.getSecretString(secretArn) ?? '{}'));
    console.log(`  the stream key secret holds: ${fields.join(', ')}`);
    const snapshot = emulator.state.snapshot();
    console.log(`  in the emulator: ${summary(snapshot)}\n`);

    await playback(emulator, stack, initial);

    console.log(`== update ${STACK} (latency mode, tags, stream key rotation, multitrack resolution)`);
    check(await stack.update(updated), 'UPDATE_COMPLETE');
    for (const [name, value] of Object.entries(stack.outputs)) {
      if (/StreamKeyArn|PlaybackUrl/.test(name)) console.log(`  ${name.padEnd(28)} ${value}`);
    }
    console.log();

    console.log(`== destroy ${STACK}`);
    const destroyed = await stack.destroy();
    if (!destroyed.success) await stack.close();
    check(destroyed, 'DELETE_COMPLETE');
    const left = emulator.state.snapshot();
    if (!emulator.state.isEmpty()) throw new Error(`resources left behind: ${JSON.stringify(left)}`);
    console.log(`Nothing left in the emulator (${summary(left)}).\n`);

    await crossAccount(emulator, work);
    const api = emulator.log.filter((entry) => entry.service !== 'playback');
    const throttled = api.filter((entry) => entry.throttled).length;
    console.log(`${api.length} AWS API calls answered by the emulator, ${throttled} throttled; ${emulator.log.length - api.length} playback requests.`);
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * examples/cross-account.ts: the partner stack (an IvsCrossAccountRole and a channel) into the second
 * account, then the web stack into the first, which reads the partner's channel through the role at
 * deploy time and its stream key into a secret of its own account. Prints what the lookup gave (never
 * a value), then destroys both.
 */
async function crossAccount(emulator: IvsEmulator, work: string): Promise<void> {
  const app = 'node -r ../scripts/register-ts.js cross-account.ts';
  const region = emulator.region;
  // Each account's CloudFormation runs as its CDK execution role, and the provider Lambda as its role.
  const accountOptions = (account: string) => ({
    endpoint: emulator.url,
    accountId: account,
    region,
    credentials: emulator.issueCredentials(account, 'cdk-ivs-provider'),
    deployerCredentials: emulator.issueCredentials(account, `cdk-hnb659fds-cfn-exec-role-${account}-${region}`),
    onProgress: progress,
  });

  const partnerDir = path.join(work, 'cdk.out.partner');
  synth('CdkIvsPartner', {}, partnerDir, app);
  console.log(`== deploy CdkIvsPartner into account ${SECOND_ACCOUNT_ID} (an IvsCrossAccountRole for account ${TEST_ACCOUNT_ID}, and a channel)`);
  const partner = await deploy(partnerDir, 'CdkIvsPartner', accountOptions(SECOND_ACCOUNT_ID));
  check(partner.result, 'CREATE_COMPLETE');
  const channelArn = partner.outputs.ChannelArn;
  console.log(`  ChannelArn                   ${channelArn}`);
  console.log(`  LookupRoleArn                ${partner.outputs.LookupRoleArn}\n`);

  const webDir = path.join(work, 'cdk.out.web');
  synth('CdkIvsWeb (-c partnerChannelArn=...)', { partnerChannelArn: channelArn }, webDir, app);
  console.log(`== deploy CdkIvsWeb into account ${TEST_ACCOUNT_ID} (a ChannelLookup of the partner's channel, through the role)`);
  const web = await deploy(webDir, 'CdkIvsWeb', accountOptions(TEST_ACCOUNT_ID));
  check(web.result, 'CREATE_COMPLETE');
  const secretArn = web.outputs.PartnerStreamKeySecretArn;
  console.log(`  PartnerSrtEndpoint           ${web.outputs.PartnerSrtEndpoint}   (IVS's, read through the role; CloudFormation has none)`);
  console.log(`  PartnerStreamKeySecretArn    ${secretArn}`);
  const fields = Object.keys(JSON.parse(emulator.state.getSecretString(secretArn) ?? '{}'));
  console.log(`  the secret, in account ${secretArn.split(':')[4]}, holds: ${fields.join(', ')}`);
  const assumed = emulator.calls({ service: 'sts', operation: 'AssumeRole', status: 200 })
    .map((e) => e.input as { RoleArn: string; RoleSessionName: string })
    .filter((input) => input.RoleArn === partner.outputs.LookupRoleArn);
  for (const input of assumed) console.log(`  the provider assumed ${input.RoleArn} as session ${input.RoleSessionName}`);
  console.log();

  console.log('== destroy CdkIvsWeb, then CdkIvsPartner');
  check(await web.destroy(), 'DELETE_COMPLETE');
  check(await partner.destroy(), 'DELETE_COMPLETE');
  if (!emulator.state.isEmpty()) throw new Error(`resources left behind: ${JSON.stringify(emulator.state.snapshot())}`);
  console.log(`Nothing left in either account (${summary(emulator.state.snapshot())}).`);
}

/**
 * The private channel as a viewer meets it, at the emulator's playback edge: refused without a token,
 * played with the token the example's TokenSigner handler signs (run here, in this process, with the
 * environment CloudFormation gives the function and the emulator as its Secrets Manager), refused
 * once that token expired and when another key signed it.
 */
async function playback(emulator: IvsEmulator, stack: Deployment, assembly: string): Promise<void> {
  console.log('== playback of the private channel MembersOnly at the emulator\'s playback edge');
  const members = stack.outputs.MembersPlaybackUrl;
  const live = stack.outputs.PlaybackUrl;
  const channels = [...emulator.state.channels.values()].filter((c) => c.playbackUrl === members || c.playbackUrl === live);
  // The emulator stands in for an encoder: both channels go live, and offline again before the update.
  for (const c of channels) emulator.state.setLive(c.arn);
  try {
    const env = functionEnvironment(stack, assembly, 'TokenSigner');
    const signed = await withEnv({ ...emulator.env(emulator.issueCredentials(TEST_ACCOUNT_ID, 'TokenSignerRole')), ...env }, async () => {
      const answer = await handler({ viewerId: 'demo-viewer' });
      if (answer.statusCode !== 200) throw new Error(`the token signer answered ${answer.statusCode}: ${answer.body}`);
      return JSON.parse(answer.body) as { playbackUrl: string; expiresAt: string };
    });
    const keySecret = emulator.state.getSecretString(env.PLAYBACK_KEY_SECRET_ARN)!;
    const sign = (privateKey: string, now = new Date()) =>
      signPlaybackToken({ privateKey, channelArn: env.CHANNEL_ARN, playbackUrl: members, now, expiresInSeconds: 300 }).playbackUrl!;
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const attempts: Array<[string, string, number]> = [
      ['public channel Live, no token', live, 200],
      ['MembersOnly, no token', members, 403],
      [`MembersOnly, token from examples/token-signer (until ${signed.expiresAt.slice(11, 19)})`, signed.playbackUrl, 200],
      ['MembersOnly, a token that expired 5 minutes ago', sign(keySecret, new Date(Date.now() - 600_000)), 403],
      ['MembersOnly, a token signed with another P-384 key', sign(otherKey), 403],
    ];
    for (const [what, url, expected] of attempts) {
      const res = await fetch(emulator.playbackUrl(url));
      const body = await res.text();
      const detail = res.status === 200 ? `${body.split('\n')[0]}, ${(body.match(/#EXT-X-STREAM-INF/g) ?? []).length} renditions` : res.headers.get('x-emulator-refusal');
      console.log(`  ${res.status === expected ? '✔' : '✘'} ${what.padEnd(66)} ${res.status} ${detail}`);
      if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${body}`);
    }
  } finally {
    for (const c of channels) emulator.state.setLive(c.arn, false);
  }
  console.log();
}

/** A function's Environment.Variables, resolved against the deployed stack as CloudFormation would. */
function functionEnvironment(stack: Deployment, assembly: string, idPrefix: string): { [name: string]: string } {
  const { template } = loadStack(assembly, stack.stackName);
  const resources = Object.entries(template.Resources as JsonObject) as Array<[string, { Type: string; Properties: { Environment: { Variables: Json } } }]>;
  const [, fn] = resources.find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(idPrefix))!;
  const resolver = new Resolver({
    template,
    pseudo: { accountId: stack.accountId, region: stack.region, partition: 'aws', urlSuffix: 'amazonaws.com', stackId: stack.stackId, stackName: stack.stackName },
    resources: {
      ref: (id) => stack.resource(id)!.physicalId,
      getAtt: (id, attribute) => stack.resource(id)!.data[attribute],
    },
  });
  return resolver.resolve(fn.Properties.Environment.Variables) as { [name: string]: string };
}

/** Runs `fn` with `vars` as process.env (the handler's SDK client reads its endpoint and credentials there). */
async function withEnv<T>(vars: { [name: string]: string }, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

/** "3 channels, 3 stream keys, ..." from a snapshot's lists. */
function summary(snapshot: object): string {
  return Object.entries(snapshot)
    .filter(([, value]) => Array.isArray(value))
    .map(([name, value]) => `${(value as unknown[]).length} ${name}`)
    .join(', ');
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
