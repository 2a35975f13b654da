// Identity policies enforced (`enforceIam`): requests of role sessions are authorized against the
// role's inline policies, on the resources the Service Authorization Reference lists for each IVS
// action (enforce-iam.ts), under every combination of the undocumented choices.
import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  BatchGetChannelCommand, CreateChannelCommand, CreateStreamKeyCommand, DeleteChannelCommand, GetChannelCommand, IvsClient,
  ListChannelsCommand, ListPlaybackRestrictionPoliciesCommand, ListStreamKeysCommand, TagResourceCommand, UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ENFORCE_IAM_VARIANTS, IVS_ACTION_RESOURCES, IvsEmulator, startEmulator, TEST_ACCOUNT_ID } from '.';
import { IVS_HANDLERS } from './ivs';
import { failure } from './sdk-helpers';
import type { Credentials } from './credentials';

let emulator: IvsEmulator;
let admin: IvsClient;
let iam: IAMClient;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false, enforceIam: true });
  admin = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  iam = new IAMClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  for (const c of [admin, iam, ...clients]) c.destroy();
  await emulator.close();
});

const ACCOUNT = TEST_ACCOUNT_ID;
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
const CHANNELS = `arn:aws:ivs:*:${ACCOUNT}:channel/*`;
const KEYS = `arn:aws:ivs:*:${ACCOUNT}:stream-key/*`;

type Statement = { Effect: 'Allow' | 'Deny'; Action?: string | string[]; NotAction?: string | string[]; Resource?: string | string[]; NotResource?: string | string[]; Condition?: unknown };

/** A role in emulator IAM with one inline policy of these statements (none: no policy), and a session of it. */
async function role(name: string, statements: Statement[]): Promise<{ arn: string; credentials: Credentials }> {
  const arn = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
  if (statements.length) {
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  return { arn, credentials: emulator.issueCredentials(ACCOUNT, name) };
}

function ivsAs(credentials?: Credentials, region?: string): IvsClient {
  const client = new IvsClient({ ...emulator.clientConfig(credentials, region), maxAttempts: 1 });
  clients.push(client);
  return client;
}

const sessionOf = (name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/emulator-session`;
const implicit = (name: string, action: string, arn: string) =>
  `User: ${sessionOf(name)} is not authorized to perform: ${action} on resource: ${arn} because no identity-based policy allows the ${action} action`;
const explicit = (name: string, action: string, arn: string) =>
  `User: ${sessionOf(name)} is not authorized to perform: ${action} on resource: ${arn} with an explicit deny in an identity-based policy`;

test('the table names every IVS operation the emulator serves, with the reference\'s resource types', () => {
  expect(Object.keys(IVS_HANDLERS).filter((op) => !(op in IVS_ACTION_RESOURCES))).toEqual([]);
  expect(IVS_ACTION_RESOURCES.CreateChannel).toEqual([['channel', true], ['stream-key', true]]);
  expect(IVS_ACTION_RESOURCES.CreateStreamKey).toEqual([['stream-key', true]]);
  expect(IVS_ACTION_RESOURCES.DeleteChannel).toEqual([['channel', true], ['stream-key', true]]);
  expect(IVS_ACTION_RESOURCES.ListChannels).toEqual([['channel', true]]);
  expect(IVS_ACTION_RESOURCES.UpdateChannel).toEqual([['channel', true]]);
  expect(IVS_ACTION_RESOURCES.ListPlaybackRestrictionPolicies).toEqual([]);
});

describe.each(ENFORCE_IAM_VARIANTS)('enforceIam %o', (variant) => {
  let n = 0;
  const unique = (base: string) => `${base}-${++n}`;

  beforeEach(() => {
    emulator.state.reset();
    emulator.clearLog();
    emulator.enforceIam = { ...variant };
  });

  test('principals IAM does not know are not evaluated: the test user, a session of a role never created', async () => {
    const arn = (await admin.send(new CreateChannelCommand({ tags: { a: 'b' } }))).channel!.arn!;
    const ghost = ivsAs(emulator.issueCredentials(ACCOUNT, 'never-created'));
    expect((await ghost.send(new GetChannelCommand({ arn }))).channel!.arn).toBe(arn);
    expect(emulator.log.flatMap((e) => e.notes ?? []).filter((x) => x.startsWith('enforceIam'))).toEqual([]);
  });

  test('a role without policies is implicitly denied, in IAM\'s words; the log says why', async () => {
    const arn = (await admin.send(new CreateChannelCommand({}))).channel!.arn!;
    const name = unique('none');
    const r = await role(name, []);
    const err = await failure(ivsAs(r.credentials).send(new GetChannelCommand({ arn })));
    expect([err.name, err.$metadata.httpStatusCode, err.exceptionMessage]).toEqual(['AccessDeniedException', 403, implicit(name, 'ivs:GetChannel', arn)]);
    expect(emulator.calls('GetChannel')[0].notes).toEqual([`enforceIam: ${r.arn} implicitDeny ivs:GetChannel on ${arn}`]);
  });

  test('CreateChannel is authorized against the channel and the stream key it makes (and TagResource when it has tags)', async () => {
    const channelsOnly = await role(unique('channels'), [{ Effect: 'Allow', Action: 'ivs:CreateChannel', Resource: CHANNELS }]);
    const err = await failure(ivsAs(channelsOnly.credentials).send(new CreateChannelCommand({})));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.exceptionMessage).toMatch(/on resource: arn:aws:ivs:us-east-1:111111111111:stream-key\/[A-Za-z0-9]{12} because no identity-based policy allows the ivs:CreateChannel action$/);
    expect(emulator.state.snapshot().channels).toEqual([]);

    const both = await role(unique('both'), [{ Effect: 'Allow', Action: 'ivs:CreateChannel', Resource: [CHANNELS, KEYS] }]);
    const ivs = ivsAs(both.credentials);
    await ivs.send(new CreateChannelCommand({ name: 'untagged' }));
    const tagged = ivs.send(new CreateChannelCommand({ name: 'tagged', tags: { team: 'video' } }));
    if (variant.tagOnCreate === 'withTags') {
      expect((await failure(tagged)).exceptionMessage).toMatch(/is not authorized to perform: ivs:TagResource on resource: arn:aws:ivs:us-east-1:111111111111:channel\//);
    } else {
      await tagged;
    }
    const withTagging = await role(unique('tagging'), [{ Effect: 'Allow', Action: ['ivs:CreateChannel', 'ivs:TagResource'], Resource: [CHANNELS, KEYS] }]);
    await ivsAs(withTagging.credentials).send(new CreateChannelCommand({ name: 'tagged-too', tags: { team: 'video' } }));
  });

  test('CreateStreamKey is authorized against the stream key only; DeleteChannel against the channel and its keys', async () => {
    const channel = (await admin.send(new CreateChannelCommand({}))).channel!.arn!;
    const keyArn = emulator.state.streamKeysOf(channel)[0].arn;
    const r = await role(unique('keys'), [
      { Effect: 'Allow', Action: ['ivs:CreateStreamKey'], Resource: KEYS },
      { Effect: 'Allow', Action: ['ivs:DeleteChannel'], Resource: CHANNELS },
    ]);
    const ivs = ivsAs(r.credentials);
    // CreateStreamKey passes IAM (no channel needed) and meets IVS's one-key quota
    expect((await failure(ivs.send(new CreateStreamKeyCommand({ channelArn: channel })))).name).toBe('ServiceQuotaExceededException');
    const err = await failure(ivs.send(new DeleteChannelCommand({ arn: channel })));
    expect(err.exceptionMessage).toMatch(new RegExp(`ivs:DeleteChannel on resource: ${keyArn} because`));
    const all = await role(unique('delete'), [{ Effect: 'Allow', Action: 'ivs:DeleteChannel', Resource: [CHANNELS, KEYS] }]);
    await ivsAs(all.credentials).send(new DeleteChannelCommand({ arn: channel }));
    expect([emulator.state.snapshot().channels, emulator.state.snapshot().streamKeys]).toEqual([[], []]);
  });

  test('NotAction and NotResource with wildcards; a Deny with ? wildcards', async () => {
    const c = (await admin.send(new CreateChannelCommand({ name: 'c' }))).channel!.arn!;
    const d = (await admin.send(new CreateChannelCommand({ name: 'd' }))).channel!.arn!;
    const name = unique('not');
    const r = await role(name, [
      { Effect: 'Allow', NotAction: 'ivs:Delete*', Resource: '*' },
      { Effect: 'Allow', Action: 'ivs:DeleteChannel', NotResource: `arn:aws:ivs:*:*:channel/${c.split('/')[1]}` },
      { Effect: 'Deny', Action: 'ivs:Update*', Resource: 'arn:aws:ivs:us-east-1:*:channel/????????????' },
    ]);
    const ivs = ivsAs(r.credentials);
    await ivs.send(new GetChannelCommand({ arn: c }));
    await ivs.send(new TagResourceCommand({ resourceArn: c, tags: { x: 'y' } }));
    expect((await failure(ivs.send(new DeleteChannelCommand({ arn: c })))).exceptionMessage).toBe(implicit(name, 'ivs:DeleteChannel', c));
    await ivs.send(new DeleteChannelCommand({ arn: d }));
    expect((await failure(ivs.send(new UpdateChannelCommand({ arn: c, name: 'x' })))).exceptionMessage).toBe(explicit(name, 'ivs:UpdateChannel', c));
  });

  test('conditions: aws:RequestedRegion, aws:ResourceTag/<key> (StringEquals, StringLike, Null), ArnLike on aws:PrincipalArn', async () => {
    const tagged = (await admin.send(new CreateChannelCommand({ name: 't', tags: { team: 'video-live' } }))).channel!.arn!;
    const plain = (await admin.send(new CreateChannelCommand({ name: 'p' }))).channel!.arn!;
    const name = unique('cond');
    const r = await role(name, [
      { Effect: 'Allow', Action: 'ivs:GetChannel', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, StringLike: { 'aws:ResourceTag/team': 'video-*' } } },
      { Effect: 'Allow', Action: 'ivs:UpdateChannel', Resource: '*', Condition: { Null: { 'aws:ResourceTag/team': 'true' }, ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${name}` } } },
    ]);
    const ivs = ivsAs(r.credentials);
    await ivs.send(new GetChannelCommand({ arn: tagged }));
    expect((await failure(ivs.send(new GetChannelCommand({ arn: plain })))).exceptionMessage).toBe(implicit(name, 'ivs:GetChannel', plain));
    await ivs.send(new UpdateChannelCommand({ arn: plain, name: 'p2' }));
    expect((await failure(ivs.send(new UpdateChannelCommand({ arn: tagged, name: 't2' })))).name).toBe('AccessDeniedException');
    // another region: aws:RequestedRegion does not match
    const west = (await ivsAs(undefined, 'us-west-2').send(new CreateChannelCommand({ tags: { team: 'video-live' } }))).channel!.arn!;
    expect((await failure(ivsAs(r.credentials, 'us-west-2').send(new GetChannelCommand({ arn: west })))).name).toBe('AccessDeniedException');
  });

  test('ListChannels (resource-level): the whole type, or each channel', async () => {
    const a = (await admin.send(new CreateChannelCommand({ name: 'a' }))).channel!.arn!;
    await admin.send(new CreateChannelCommand({ name: 'b' }));
    const everything = await role(unique('list-all'), [{ Effect: 'Allow', Action: 'ivs:ListChannels', Resource: CHANNELS }]);
    expect((await ivsAs(everything.credentials).send(new ListChannelsCommand({}))).channels).toHaveLength(2);
    const name = unique('list-one');
    const one = await role(name, [{ Effect: 'Allow', Action: 'ivs:ListChannels', Resource: a }]);
    const listing = ivsAs(one.credentials).send(new ListChannelsCommand({}));
    if (variant.listResources === 'wildcard') {
      expect((await failure(listing)).exceptionMessage).toBe(implicit(name, 'ivs:ListChannels', `arn:aws:ivs:us-east-1:${ACCOUNT}:channel/*`));
    } else {
      expect((await listing).channels!.map((c) => c.arn)).toEqual([a]);
    }
    // ListStreamKeys: the channel named and the keys listed
    const keys = await role(unique('keys'), [{ Effect: 'Allow', Action: 'ivs:ListStreamKeys', Resource: [CHANNELS, KEYS] }]);
    expect((await ivsAs(keys.credentials).send(new ListStreamKeysCommand({ channelArn: a }))).streamKeys).toHaveLength(1);
    // an action without resource types is authorized against "*"
    const star = await role(unique('star'), [{ Effect: 'Allow', Action: 'ivs:ListPlaybackRestrictionPolicies', Resource: CHANNELS }]);
    expect((await failure(ivsAs(star.credentials).send(new ListPlaybackRestrictionPoliciesCommand({})))).exceptionMessage).toMatch(/on resource: \* because/);
  });

  test('BatchGetChannel with an ARN the policy denies: that entry, or the whole request', async () => {
    const a = (await admin.send(new CreateChannelCommand({ name: 'a' }))).channel!.arn!;
    const b = (await admin.send(new CreateChannelCommand({ name: 'b' }))).channel!.arn!;
    const name = unique('batch');
    const r = await role(name, [{ Effect: 'Allow', Action: 'ivs:BatchGetChannel', Resource: a }]);
    const call = ivsAs(r.credentials).send(new BatchGetChannelCommand({ arns: [a, b] }));
    if (variant.batch === 'item') {
      const out = await call;
      expect(out.channels!.map((c) => c.arn)).toEqual([a]);
      expect(out.errors).toEqual([{ arn: b, code: 'AccessDeniedException', message: implicit(name, 'ivs:BatchGetChannel', b) }]);
    } else {
      expect((await failure(call)).exceptionMessage).toBe(implicit(name, 'ivs:BatchGetChannel', b));
    }
  });

  test('Secrets Manager: secretsmanager:ResourceTag/<key>; AccessDeniedException with status 400', async () => {
    const ours = emulator.state.createSecret({ name: 'ours', tags: { 'cdk-ivs:stack': 'stack-1' } });
    const theirs = emulator.state.createSecret({ name: 'theirs', tags: { 'cdk-ivs:stack': 'stack-2' } });
    const name = unique('secrets');
    const r = await role(name, [{
      Effect: 'Allow', Action: ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'], Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:*`,
      Condition: { StringEquals: { 'secretsmanager:ResourceTag/cdk-ivs:stack': 'stack-1' } },
    }]);
    const sm = new SecretsManagerClient({ ...emulator.clientConfig(r.credentials), maxAttempts: 1 });
    clients.push(sm);
    await sm.send(new PutSecretValueCommand({ SecretId: ours.arn, SecretString: 'v' }));
    const err = await failure(sm.send(new PutSecretValueCommand({ SecretId: theirs.arn, SecretString: 'v' })));
    expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual(['AccessDeniedException', 400, implicit(name, 'secretsmanager:PutSecretValue', theirs.arn)]);
    // a secret being created has no resource tags yet: the condition does not match
    const created = await failure(sm.send(new CreateSecretCommand({ Name: 'new', Tags: [{ Key: 'cdk-ivs:stack', Value: 'stack-1' }] })));
    expect(created.message).toMatch(/secretsmanager:CreateSecret on resource: arn:aws:secretsmanager:us-east-1:111111111111:secret:new-[A-Za-z0-9]{6} because/);
  });

  test('sts:AssumeRole needs the caller\'s own Allow on the role ARN; GetCallerIdentity needs none', async () => {
    const target = await role(unique('target'), []);
    const name = unique('caller');
    const caller = await role(name, []);
    const sts = new STSClient({ ...emulator.clientConfig(caller.credentials), maxAttempts: 1 });
    clients.push(sts);
    await sts.send(new GetCallerIdentityCommand({}));
    const err = await failure(sts.send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: 'session' })));
    expect([err.name, err.message]).toEqual(['AccessDenied', implicit(name, 'sts:AssumeRole', target.arn)]);
    await iam.send(new PutRolePolicyCommand({
      RoleName: name, PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: target.arn }] }),
    }));
    expect((await sts.send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: 'session' }))).AssumedRoleUser!.Arn).toContain(target.arn.split('/')[1]);
  });

  test('Cloud Control: cloudformation:GetResource, then the read handler\'s IVS calls as the caller', async () => {
    const arn = (await admin.send(new CreateChannelCommand({}))).channel!.arn!;
    const name = unique('cc');
    const r = await role(name, [{ Effect: 'Allow', Action: ['cloudformation:GetResource', 'ivs:GetChannel'], Resource: '*' }]);
    const cc = new CloudControlClient({ ...emulator.clientConfig(r.credentials), maxAttempts: 1 });
    clients.push(cc);
    const err = await failure(cc.send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: arn })));
    expect(err.message).toContain('ivs:ListTagsForResource');
    expect(emulator.calls('GetResource')[0].notes).toContain('handler called ivs:ListTagsForResource: AccessDeniedException');
  });

  test('an explicit deny', async () => {
    const channel = (await admin.send(new CreateChannelCommand({ name: 'c' }))).channel!.arn!;
    const name = unique('explicit');
    const r = await role(name, [
      { Effect: 'Allow', Action: 'ivs:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ivs:DeleteChannel', Resource: CHANNELS },
    ]);
    const err = await failure(ivsAs(r.credentials).send(new DeleteChannelCommand({ arn: channel })));
    expect(err.exceptionMessage).toBe(explicit(name, 'ivs:DeleteChannel', channel));
  });
});
