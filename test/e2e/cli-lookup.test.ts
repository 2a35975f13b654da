// Channel.fromLookup performed by the aws-cdk CLI itself: a real `cdk synth` whose SDK endpoints
// (Cloud Control, STS) point at the emulator, which writes cdk.context.json and synthesizes again with
// the values. Same account (through the stack's bootstrap lookup role) and another account (through
// that account's bootstrap lookup role, the default), a missing channel, and lookups by name under
// both behaviours of Cloud Control's ListResources.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import { type Credentials, type IvsEmulator, SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID } from '../emulator';
import { LeakScan, scenario } from './helpers';

const scan = new LeakScan();
const root = path.join(__dirname, '..', '..');
const CLI = path.join(root, 'node_modules', '.bin', 'cdk');
const REGION = 'us-east-1';

/** A channel made behind CDK's back (as in the console), in an account. */
async function makeChannel(emulator: IvsEmulator, credentials: Credentials, name: string): Promise<string> {
  const ivs = new IvsClient({ ...emulator.clientConfig(credentials), maxAttempts: 1 });
  try {
    return (await ivs.send(new CreateChannelCommand({ name, authorized: true, latencyMode: 'NORMAL' }))).channel!.arn!;
  } finally {
    ivs.destroy();
  }
}

/** The bootstrap lookup role of an account (as `cdk bootstrap` makes it), trusting `trusted`. */
async function bootstrapLookupRole(emulator: IvsEmulator, credentials: Credentials, account: string, trusted: string): Promise<void> {
  const iam = new IAMClient({ ...emulator.clientConfig(credentials, 'us-east-1'), maxAttempts: 1 });
  try {
    await iam.send(new CreateRoleCommand({
      RoleName: `cdk-hnb659fds-lookup-role-${account}-${REGION}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${trusted}:root` } }],
      }),
    }));
  } finally {
    iam.destroy();
  }
}

/** An app folder with cdk.json whose stack looks channels up (the construct code given as JS). */
function appDir(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-cli-lookup-'));
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
  fs.writeFileSync(path.join(dir, 'app.js'), `
const { App, CfnOutput, Stack } = require(${JSON.stringify(path.join(root, 'node_modules', 'aws-cdk-lib'))});
const { Channel } = require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
// (aws-cdk-lib's template validator, seconds per synth, has nothing to check in a lookup)
const app = new App({ builtinCloudFormationValidation: false });
const stack = new Stack(app, 'Lookups', { env: { account: '${TEST_ACCOUNT_ID}', region: '${REGION}' } });
${body}
app.synth();
`);
  return dir;
}

interface Synth { readonly code: number; readonly stderr: string; readonly template?: any; readonly context: { [key: string]: unknown } }

/** `cdk synth` of the folder with the emulator as every endpoint and the test user's credentials. */
function cdkSynth(emulator: IvsEmulator, dir: string): Promise<Synth> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-cli-home-'));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, ...emulator.env(), CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true',
  };
  return new Promise((resolve) => {
    execFile(CLI, ['synth', '--no-notices', '--quiet', '--no-version-reporting', '-o', 'cdk.out'], { cwd: dir, env, timeout: 110_000 }, (error, _stdout, stderr) => {
      const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) : undefined);
      fs.rmSync(home, { recursive: true, force: true });
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stderr,
        template: read('cdk.out/Lookups.template.json'),
        context: read('cdk.context.json') ?? {},
      });
    });
  });
}

scenario(scan, 'cdk synth looks channels up in this account and another, writes cdk.context.json, and synthesizes the values; no secret reaches the context', async (s) => {
  // GIVEN channels made outside CDK in both accounts, and both accounts bootstrapped (their lookup roles)
  const second = s.emulator.issueCredentials(SECOND_ACCOUNT_ID, 'Admin');
  const here = await makeChannel(s.emulator, s.emulator.clientConfig().credentials, 'here-live');
  const there = await makeChannel(s.emulator, second, 'there-live');
  await bootstrapLookupRole(s.emulator, s.emulator.clientConfig().credentials, TEST_ACCOUNT_ID, TEST_ACCOUNT_ID);
  await bootstrapLookupRole(s.emulator, second, SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID);
  const dir = appDir(`
const here = Channel.fromLookup(stack, 'Here', { channelArn: '${here}' });
const there = Channel.fromLookup(stack, 'There', { channelArn: '${there}' });
new CfnOutput(stack, 'HereUrl', { value: here.channelPlaybackUrl });
new CfnOutput(stack, 'HereLatency', { value: here.channelLatencyMode });
new CfnOutput(stack, 'HereAuthorized', { value: String(here.channelAuthorized) });
new CfnOutput(stack, 'ThereUrl', { value: there.channelPlaybackUrl });
new CfnOutput(stack, 'ThereIngest', { value: there.channelRtmpsIngestUrl });
`);

  // WHEN the CLI synthesizes it
  const out = await cdkSynth(s.emulator, dir);

  // THEN the lookups ran through Cloud Control, the second account's through its lookup role, and the values are concrete
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error|failed/) });
  const outputs = Object.fromEntries(Object.entries(out.template.Outputs).map(([k, v]: [string, any]) => [k, v.Value]));
  const hereChannel = s.emulator.state.channel(here)!;
  const thereChannel = s.emulator.state.channel(there)!;
  expect(outputs).toEqual({
    HereUrl: hereChannel.playbackUrl, HereLatency: 'NORMAL', HereAuthorized: 'true',
    ThereUrl: thereChannel.playbackUrl, ThereIngest: `rtmps://${thereChannel.ingestEndpoint}:443/app/`,
  });
  const reads = s.emulator.calls({ service: 'cloudcontrolapi', operation: 'GetResource' });
  expect(new Set(reads.map((e) => e.account))).toEqual(new Set([TEST_ACCOUNT_ID, SECOND_ACCOUNT_ID]));
  const assumed = s.emulator.calls({ service: 'sts', operation: 'AssumeRole', status: 200 }).map((e) => (e.input as { RoleArn: string }).RoleArn);
  expect(assumed).toContain(`arn:aws:iam::${SECOND_ACCOUNT_ID}:role/cdk-hnb659fds-lookup-role-${SECOND_ACCOUNT_ID}-${REGION}`);
  // cdk.context.json holds the cc-api-provider entries, and nothing secret
  const keys = Object.keys(out.context);
  expect(keys.length).toBeGreaterThanOrEqual(2);
  expect(keys.every((key) => key.startsWith('cc-api-provider:'))).toBe(true);
  const context = JSON.stringify(out.context);
  expect(context).toContain(hereChannel.playbackUrl);
  scan.addLines('cdk.context.json', [context]);
  scan.addLines('cdk synth stderr', out.stderr.split('\n'));
  for (const c of [hereChannel, thereChannel]) {
    expect(context).not.toContain(c.srt.passphrase);
    for (const key of s.emulator.state.streamKeysOf(c.arn)) expect(context).not.toContain(key.value);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}, { timeoutMs: 120_000, concurrent: false });

scenario(scan, 'a channel that does not exist fails cdk synth with a message naming it', async (s) => {
  const missing = `arn:aws:ivs:${REGION}:${TEST_ACCOUNT_ID}:channel/doesNotExist1`;
  const dir = appDir(`new CfnOutput(stack, 'Url', { value: Channel.fromLookup(stack, 'Gone', { channelArn: '${missing}' }).channelPlaybackUrl });`);

  const out = await cdkSynth(s.emulator, dir);

  expect(out.code).not.toBe(0);
  expect(out.stderr).toContain(`Channel.fromLookup: no channel ${missing} in account ${TEST_ACCOUNT_ID}, region ${REGION}`);
  scan.addLines('cdk synth stderr', out.stderr.split('\n'));
  fs.rmSync(dir, { recursive: true, force: true });
}, { timeoutMs: 120_000, concurrent: false });

scenario(scan, 'where a Cloud Control read leaves out empty properties, the lookup reads them one by one and gets the schema\'s defaults', async (s) => {
  // GIVEN reads that omit empty values (no recording configuration, no preset, multitrack off)
  s.emulator.cloudControl = { ...s.emulator.cloudControl, omitEmpty: true };
  const arn = await makeChannel(s.emulator, s.emulator.clientConfig().credentials, 'sparse');
  const dir = appDir(`
const c = Channel.fromLookup(stack, 'Sparse', { channelArn: '${arn}' });
new CfnOutput(stack, 'Values', { value: JSON.stringify([c.channelName, c.channelType, c.channelPreset, c.channelRecordingConfigurationArn,
  c.channelMultitrackInputConfiguration === undefined, c.channelPlaybackUrl]) });
`);

  // WHEN the CLI synthesizes it
  const out = await cdkSynth(s.emulator, dir);

  // THEN the values are the channel's, absent ones the schema's defaults
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error/) });
  expect(JSON.parse(out.template.Outputs.Values.Value)).toEqual(['sparse', 'STANDARD', '', '', true, s.emulator.state.channel(arn)!.playbackUrl]);
  scan.addLines('cdk.context.json', [JSON.stringify(out.context)]);
  fs.rmSync(dir, { recursive: true, force: true });
}, { timeoutMs: 120_000, concurrent: false });

for (const list of ['full', 'identifiers'] as const) {
  scenario(scan, `by name, where Cloud Control's ListResources gives ${list === 'full' ? 'full models' : 'identifiers only'}: ${list === 'full' ? 'found' : 'a message that says why, and what to do'}`, async (s) => {
    // GIVEN a channel in this account, and an app that looks it up by name
    s.emulator.cloudControl = { ...s.emulator.cloudControl, list };
    const arn = await makeChannel(s.emulator, s.emulator.clientConfig().credentials, 'by-name');
    const dir = appDir('new CfnOutput(stack, \'Arn\', { value: Channel.fromLookup(stack, \'ByName\', { channelName: \'by-name\' }).channelArn });');

    // WHEN the CLI synthesizes it
    const out = await cdkSynth(s.emulator, dir);

    // THEN
    scan.addLines('cdk synth stderr', out.stderr.split('\n'));
    if (list === 'full') {
      expect(out.code).toBe(0);
      expect(out.template.Outputs.Arn.Value).toBe(arn);
    } else {
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('Cloud Control\'s ListResources lists AWS::IVS::Channel without names');
      expect(out.stderr).toContain('look it up by channelArn, or read it at deploy time with ChannelLookup');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, { timeoutMs: 120_000, concurrent: false });
}

test('no stream key or SRT passphrase of any channel reaches cdk.context.json or the CLI\'s output', () => {
  // GIVEN every value the emulators held (the channels were made with keys), and every line the CLI runs left
  expect(scan.count('stream key')).toBeGreaterThan(0);
  expect(scan.count('SRT passphrase')).toBeGreaterThan(0);
  expect(scan.lines.some((l) => l.where === 'cdk.context.json' && l.text.includes('cc-api-provider'))).toBe(true);
  // WHEN a value is planted, THEN the scan finds it; and no real line holds one
  const [value, kind] = [...scan.values][0];
  expect(scan.findLeaks([{ where: 'planted', text: JSON.stringify({ x: value }) }])).toEqual([{ kind, where: 'planted' }]);
  expect(scan.findLeaks()).toEqual([]);
});
