// The Secrets Manager side of the emulator, driven through the real @aws-sdk/client-secrets-manager.
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  SecretsManagerClient, TagResourceCommand, UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_SECRETS_MANAGER, IvsEmulator, startEmulator, TEST_ACCOUNT_ID } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let sm: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  sm = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
});

test('a secret made as CloudFormation makes it (no value) takes PutSecretValue; GetSecretValue reads it back', async () => {
  // GIVEN
  const { arn } = emulator.state.createSecret({ name: 'channel-secret', tags: { 'cdk-ivs:stack': 'arn:aws:cloudformation:stack/1' } });
  expect(arn).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:channel-secret-[A-Za-z0-9]{6}$`));
  const empty = await failure(sm.send(new GetSecretValueCommand({ SecretId: arn })));
  expect([empty.name, empty.$metadata.httpStatusCode, empty.message]).toEqual(['ResourceNotFoundException', 400, "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"]);

  // WHEN
  const put = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: '{"streamKey":"sk_x"}' }));

  // THEN
  expect(put).toMatchObject({ ARN: arn, Name: 'channel-secret', VersionStages: ['AWSCURRENT'] });
  const got = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
  expect(got).toMatchObject({ ARN: arn, SecretString: '{"streamKey":"sk_x"}', VersionId: put.VersionId, VersionStages: ['AWSCURRENT'] });
  expect(got.CreatedDate).toBeInstanceOf(Date);
  expect(emulator.state.getSecretString(arn)).toBe('{"streamKey":"sk_x"}');
  // Name and partial ARN (without the random suffix) resolve too.
  expect((await sm.send(new GetSecretValueCommand({ SecretId: 'channel-secret' }))).ARN).toBe(arn);
  expect((await sm.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }))).ARN).toBe(arn);
  // The log keeps the call, never the value.
  expect(JSON.stringify(emulator.log)).not.toContain('sk_x');
  expect(emulator.calls('secretsmanager:PutSecretValue')[0]).toMatchObject({ status: 200, arn, input: { SecretString: '*** Sensitive Data Redacted ***' } });
});

test('PutSecretValue moves AWSCURRENT and AWSPREVIOUS; a retry with the same ClientRequestToken is idempotent', async () => {
  const { arn } = emulator.state.createSecret({ name: 's' });
  const token = 'a'.repeat(32);
  const first = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'one', ClientRequestToken: token }));
  const retry = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'one', ClientRequestToken: token }));
  expect(retry.VersionId).toBe(first.VersionId);
  const conflict = await failure(sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'two', ClientRequestToken: token })));
  expect(conflict.name).toBe('ResourceExistsException');
  const second = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'two' }));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
  expect(described.VersionIdsToStages).toEqual({ [token]: ['AWSPREVIOUS'], [second.VersionId!]: ['AWSCURRENT'] });
  expect((await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('one');
});

test('CreateSecret, UpdateSecret, TagResource, DescribeSecret; a duplicate name answers ResourceExistsException', async () => {
  const created = await sm.send(new CreateSecretCommand({ Name: 'made-by-sdk', SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }] }));
  expect(created.VersionId).toBeDefined();
  const updated = await sm.send(new UpdateSecretCommand({ SecretId: 'made-by-sdk', Description: 'd', SecretString: 'w' }));
  expect(updated.VersionId).not.toBe(created.VersionId);
  expect(emulator.state.getSecretString('made-by-sdk')).toBe('w');
  await sm.send(new TagResourceCommand({ SecretId: created.ARN!, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '3' }] }));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: 'made-by-sdk' }));
  expect(described.Description).toBe('d');
  expect(described.Tags).toEqual([{ Key: 'b', Value: '2' }, { Key: 'a', Value: '3' }]);
  const dup = await failure(sm.send(new CreateSecretCommand({ Name: 'made-by-sdk' })));
  expect([dup.name, dup.$metadata.httpStatusCode]).toEqual(['ResourceExistsException', 400]);
});

test('DeleteSecret schedules deletion (the secret refuses reads), or deletes at once when forced', async () => {
  const a = emulator.state.createSecret({ name: 'a', secretString: 'x' });
  const b = emulator.state.createSecret({ name: 'b', secretString: 'x' });
  const scheduled = await sm.send(new DeleteSecretCommand({ SecretId: a.arn, RecoveryWindowInDays: 7 }));
  expect(scheduled.DeletionDate!.getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
  expect((await failure(sm.send(new GetSecretValueCommand({ SecretId: a.arn })))).name).toBe('InvalidRequestException');
  expect((await sm.send(new DescribeSecretCommand({ SecretId: a.arn }))).DeletedDate).toBeInstanceOf(Date);
  emulator.secretsManager.forceDeleteLagMs = 0;
  await sm.send(new DeleteSecretCommand({ SecretId: b.arn, ForceDeleteWithoutRecovery: true }));
  expect((await failure(sm.send(new DescribeSecretCommand({ SecretId: b.arn })))).name).toBe('ResourceNotFoundException');
  expect(emulator.state.isEmpty()).toBe(true);
  expect(emulator.state.isEmpty({ countScheduledSecrets: true })).toBe(false);
  emulator.secretsManager.forceDeleteLagMs = DEFAULT_SECRETS_MANAGER.forceDeleteLagMs;
});

describe.each(['deleted', 'not-found'] as const)('deleted without recovery, DescribeSecret meanwhile %s', (describeWhilePurging) => {
  afterEach(() => Object.assign(emulator.secretsManager, DEFAULT_SECRETS_MANAGER));

  test('the name stays taken for forceDeleteLagMs, then is free; a forced delete of a secret that does not exist succeeds', async () => {
    // GIVEN a secret without a value (as a claim is), deleted without recovery, the background deletion taking 300 ms
    Object.assign(emulator.secretsManager, { forceDeleteLagMs: 300, describeWhilePurging });
    await sm.send(new CreateSecretCommand({ Name: 'claim', Description: 'holder' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'claim', ForceDeleteWithoutRecovery: true }));

    // THEN meanwhile: no new secret of the name, DescribeSecret as configured, nothing counted as left
    const taken = await failure(sm.send(new CreateSecretCommand({ Name: 'claim' })));
    expect([taken.name, taken.message]).toEqual(['InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion."]);
    if (describeWhilePurging === 'deleted') expect((await sm.send(new DescribeSecretCommand({ SecretId: 'claim' }))).DeletedDate).toBeInstanceOf(Date);
    else expect((await failure(sm.send(new DescribeSecretCommand({ SecretId: 'claim' })))).name).toBe('ResourceNotFoundException');
    expect(emulator.state.isEmpty({ countScheduledSecrets: true })).toBe(true);
    await sm.send(new DeleteSecretCommand({ SecretId: 'claim', ForceDeleteWithoutRecovery: true })); // again: fine

    // THEN after the lag the name is free again
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await failure(sm.send(new DescribeSecretCommand({ SecretId: 'claim' })))).name).toBe('ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: 'claim' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'never-made', ForceDeleteWithoutRecovery: true }));
  });
});

test('CreateSecret of a name that exists: ResourceExistsException (a second claim is refused)', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'once', Description: 'first' }));
  const second = await failure(sm.send(new CreateSecretCommand({ Name: 'once', Description: 'second' })));
  expect([second.name, second.message]).toEqual(['ResourceExistsException', 'The operation failed because the secret once already exists.']);
  expect((await sm.send(new DescribeSecretCommand({ SecretId: 'once' }))).Description).toBe('first');
});

test('constraint failures answer ValidationException; an unknown target UnknownOperationException', async () => {
  const err = await failure(sm.send(new GetSecretValueCommand({ SecretId: '' })));
  expect(err.name).toBe('ValidationException');
  expect(err.message).toBe("1 validation error detected: Value '' at 'SecretId' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const res = await fetch(emulator.url, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.RotateSecret', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
});
