import { IvsClient, ListChannelsCommand } from '@aws-sdk/client-ivs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { CfnChannel, CfnStreamKey } from 'aws-cdk-lib/aws-ivs';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { type Credentials, SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID } from '../emulator';
import { deployerRoleName, LeakScan, leakScanTest, PROVIDER_ROLE, scenario } from '../e2e/helpers';
import { removeEchoApps, synthEchoApp } from './echo-app';

// Two stacks in two accounts of one emulator, through the e2e Scenario: a role and a channel in
// the second account, made by that account's CloudFormation execution role, with its Lambda
// running as the provider role there; the first account's stack takes the role's ARN, and the
// first account's provider assumes the role with its external ID.

const scan = new LeakScan();
afterAll(() => removeEchoApps());

const EXTERNAL_ID = 'cdk-ivs-external-id-1';

async function withSts<T>(endpoint: { endpoint: string; region: string }, creds: Credentials, body: (sts: STSClient) => Promise<T>): Promise<T> {
  const sts = new STSClient({ ...endpoint, credentials: creds, maxAttempts: 1 });
  try {
    return await body(sts);
  } finally {
    sts.destroy();
  }
}

scenario(scan, 'a stack in each account: resources, Lambda and CloudFormation credentials of their own account; outputs across', async (s) => {
  // GIVEN a shared stack for the second account: a cross-account role trusting the first account's provider, a channel and its key
  const providerArn = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/${PROVIDER_ROLE}`;
  const shared = synthEchoApp(({ stack, echo }) => {
    const role = new CfnRole(stack, 'CrossAccount', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: providerArn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } }],
      },
      policies: [{ policyName: 'ivs', policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ivs:*', Resource: '*' }] } }],
    });
    const channel = new CfnChannel(stack, 'Remote', { name: 'remote-channel' });
    new CfnStreamKey(stack, 'RemoteKey', { channelArn: channel.attrArn });
    echo('Probe', { Name: 'p', ShowEnv: 'AWS_ACCESS_KEY_ID' });
    new CfnOutput(stack, 'RoleArn', { value: role.attrArn });
    new CfnOutput(stack, 'ChannelArn', { value: channel.ref });
  }, 'Shared');

  // WHEN it is deployed into the second account
  const d2 = await s.deploy(shared, 'Shared', { account: SECOND_ACCOUNT_ID });

  // THEN everything is in the second account, made by its CDK execution role; its Lambda ran as the provider role there
  expect(d2.result.stackStatus).toBe('CREATE_COMPLETE');
  const out2 = s.outputs('Shared', SECOND_ACCOUNT_ID);
  expect(out2.RoleArn).toMatch(new RegExp(`^arn:aws:iam::${SECOND_ACCOUNT_ID}:role/Shared-CrossAccount-[A-Z0-9]{12}$`));
  expect(out2.ChannelArn).toMatch(new RegExp(`^arn:aws:ivs:${s.emulator.region}:${SECOND_ACCOUNT_ID}:channel/`));
  expect(s.emulator.state.channel(out2.ChannelArn)!.account).toBe(SECOND_ACCOUNT_ID);
  const deployer = deployerRoleName(SECOND_ACCOUNT_ID, s.emulator.region);
  const made = s.emulator.log.filter((e) => ['CreateRole', 'PutRolePolicy', 'CreateChannel', 'DeleteStreamKey', 'CreateStreamKey'].includes(e.operation));
  // the cross-account role (with its inline policy) and the provider's role; the channel (its own key deleted) and the key
  expect(made.map((e) => e.operation).sort()).toEqual(['CreateChannel', 'CreateRole', 'CreateRole', 'CreateStreamKey', 'DeleteStreamKey', 'PutRolePolicy']);
  expect(made.every((e) => e.account === SECOND_ACCOUNT_ID && e.principal!.includes(`:assumed-role/${deployer}/`))).toBe(true);
  expect(JSON.parse(String(d2.resource('Probe')!.data.Env)).AWS_ACCESS_KEY_ID).toBe(s.lambdaCredentialsFor(SECOND_ACCOUNT_ID).accessKeyId);
  expect(d2.resource('Probe')!.properties.ServiceToken).toMatch(new RegExp(`^arn:aws:lambda:${s.emulator.region}:${SECOND_ACCOUNT_ID}:function:`));

  // GIVEN the first account's stack, synthesized with the second stack's output
  const main = synthEchoApp(({ stack, echo }) => {
    new CfnChannel(stack, 'Local', { name: 'local-channel' });
    echo('UsesRole', { Name: 'u', Value: out2.RoleArn });
  }, 'Main');

  // WHEN it is deployed into the first account
  const d1 = await s.deploy(main, 'Main');

  // THEN it holds its own channel; the role ARN reached its custom resource
  expect(d1.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(s.stack('Main').resource('UsesRole')!.data.Value).toBe(out2.RoleArn);
  const local = [...s.emulator.state.channels.values()].find((c) => c.name === 'local-channel')!;
  expect(local.account).toBe(TEST_ACCOUNT_ID);
  // each account lists only its own channels
  const list = async (creds: Credentials) => {
    const ivs = new IvsClient({ ...s.emulator.clientConfig(creds), maxAttempts: 1 });
    try {
      return ((await ivs.send(new ListChannelsCommand({}))).channels ?? []).map((c) => c.name);
    } finally {
      ivs.destroy();
    }
  };
  expect(await list(s.lambdaCredentials)).toEqual(['local-channel']);

  // AND the first account's provider assumes the role with the external ID (not without), and reads the second account
  const assumed = await withSts(s.emulator.clientConfig(), s.lambdaCredentials, (sts) =>
    sts.send(new AssumeRoleCommand({ RoleArn: out2.RoleArn, RoleSessionName: 'cdk-ivs', ExternalId: EXTERNAL_ID })));
  const roleCreds = {
    accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken!,
  };
  expect(await list(roleCreds)).toEqual(['remote-channel']);
  await expect(withSts(s.emulator.clientConfig(), s.lambdaCredentials, (sts) =>
    sts.send(new AssumeRoleCommand({ RoleArn: out2.RoleArn, RoleSessionName: 'cdk-ivs' })))).rejects.toThrow(/not authorized to perform: sts:AssumeRole/);

  // WHEN both are destroyed, THEN nothing is left in either account
  expect((await d1.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect((await d2.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a stack whose environment names another account is refused, like the CDK CLI does; deployer credentials of another account fail', async (s) => {
  const dir = s.synth((app) => {
    new CfnChannel(new Stack(app, 'Pinned', { env: { account: SECOND_ACCOUNT_ID, region: s.emulator.region } }), 'C', {});
  });
  await expect(s.deploy(dir, 'Pinned')).rejects.toThrow(`harness: stack Pinned is for account ${SECOND_ACCOUNT_ID}; it cannot be deployed to account ${TEST_ACCOUNT_ID}`);
  // deployer credentials of the wrong account make the channel elsewhere: failed, and rolled back
  const wrong = await s.deploy(dir, 'Pinned', { account: SECOND_ACCOUNT_ID, deployerCredentials: s.deployerCredentialsFor(TEST_ACCOUNT_ID) });
  expect(wrong.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(wrong.result.records[0].reason).toMatch(new RegExp(`^harness: arn:aws:ivs:[a-z0-9-]+:${TEST_ACCOUNT_ID}:channel/\\w+ was made in account ${TEST_ACCOUNT_ID}, but the stack is in ${SECOND_ACCOUNT_ID}`));
  expect(s.emulator.state.channels.size).toBe(0);
  const d = await s.deploy(dir, 'Pinned', { account: SECOND_ACCOUNT_ID });
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
});

leakScanTest(scan, ['stream key', 'SRT passphrase']);
