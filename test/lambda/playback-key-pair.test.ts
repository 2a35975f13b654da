import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  DeletePlaybackKeyPairCommand,
  GetPlaybackKeyPairCommand,
  ImportPlaybackKeyPairCommand,
  IvsClient,
  ListPlaybackKeyPairsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CREATE_TAG, KEY_PAIR_ARN, REQUEST_ID, SECRET_ARN, afterAttempts, conflict, failureOf, makeContext, makeEvent, notFound, quotaExceeded,
  sentTag, madeBy,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.playbackKeyPair;
const NEW_KEY_PAIR_ARN = 'arn:aws:ivs:us-east-1:123456789012:playback-key/pair2ABCDefgh';
const USER_PUBLIC_KEY = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
const DATA = { Arn: KEY_PAIR_ARN, Name: 'viewers', Fingerprint: '12:34:56' };

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  ivs.on(ImportPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34:56' } });
  // The sweep after a generated pair's import (other deliveries of the event) lists the pair it made.
  ivs.on(ListPlaybackKeyPairsCommand).callsFake(() => ({ keyPairs: [madeBy(ivs, ImportPlaybackKeyPairCommand, KEY_PAIR_ARN)] }));
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
});
afterEach(() => jest.restoreAllMocks());

describe('Create', () => {
  test('imports the user\'s public key', async () => {
    // GIVEN
    const event = makeEvent(TYPE, 'Create', { Name: 'viewers', PublicKeyMaterial: USER_PUBLIC_KEY, Tags: { team: 'video' } });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN the pair carries the request tag; no list (IVS refuses the same key twice); no secret is written, and the
    // import ran under the create's claim (which a Delete after an import that never answered finds: claim.ts)
    expect(ivs).toHaveReceivedCommandWith(ImportPlaybackKeyPairCommand, {
      publicKeyMaterial: USER_PUBLIC_KEY, name: 'viewers', tags: { team: 'video', [REQUEST_TAG]: CREATE_TAG },
    });
    expect(ivs.calls()).toHaveLength(1);
    const claim = expect.stringMatching(/^cdk-ivs\/claims\/Stack\/[0-9a-f]{32}\.0$/);
    expect(secrets.calls().map((c) => [c.args[0].constructor.name, (c.args[0].input as { Name?: string; SecretId?: string })]))
      .toEqual([['CreateSecretCommand', expect.objectContaining({ Name: claim })], ['DeleteSecretCommand', expect.objectContaining({ SecretId: claim })]]);
    expect(response).toEqual({ PhysicalResourceId: KEY_PAIR_ARN, Data: DATA });
  });

  test('generates a P-384 pair, imports its public half and writes both halves to the secret', async () => {
    // GIVEN no public key
    const event = makeEvent(TYPE, 'Create', { Name: 'viewers', SecretArn: SECRET_ARN });

    // WHEN
    await handler(event, makeContext());

    // THEN the secret holds a matching P-384 pair, whose public half IVS got
    const imported = ivs.commandCalls(ImportPlaybackKeyPairCommand)[0].args[0].input.publicKeyMaterial!;
    const secret = JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!);
    expect(secret.playbackKeyPairArn).toBe(KEY_PAIR_ARN);
    expect(secret.publicKey).toBe(imported);
    expect(createPublicKey(imported).asymmetricKeyDetails).toEqual({ namedCurve: 'secp384r1' });
    const signature = sign('sha384', Buffer.from('token'), createPrivateKey(secret.privateKey));
    expect(verify('sha384', Buffer.from('token'), createPublicKey(imported), signature)).toBe(true);
  });

  test.each([
    ['ConflictException (the key is imported)', conflict('A playback key pair with this public key already exists')],
    ['ServiceQuotaExceededException (no room for it)', quotaExceeded('Playback key pairs per account and region: 3.')],
  ])('a retried import refused with %s takes the pair its earlier attempt made', async (_refusal, refusal) => {
    // GIVEN an import whose first attempt took effect (answer lost), and three pairs over two pages:
    // another request's, that attempt's (this invocation's tag), and a third request's
    const extra = 'arn:aws:ivs:us-east-1:123456789012:playback-key/extra';
    ivs.on(ImportPlaybackKeyPairCommand).rejects(afterAttempts(2, refusal));
    const mine = () => sentTag(ivs, ImportPlaybackKeyPairCommand)!;
    ivs.on(ListPlaybackKeyPairsCommand)
      .callsFakeOnce(() => ({ keyPairs: [{ arn: NEW_KEY_PAIR_ARN, tags: { [REQUEST_TAG]: 'another-request' } }, { arn: KEY_PAIR_ARN, tags: { [REQUEST_TAG]: mine() } }], nextToken: 'page2' }))
      .callsFake(() => ({ keyPairs: [{ arn: extra, tags: { [REQUEST_TAG]: `third-request ${REQUEST_ID}` } }] }));
    ivs.on(GetPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34:56' } });
    ivs.on(DeletePlaybackKeyPairCommand).resolves({});

    // WHEN a generated pair is created
    const response = await handler(makeEvent(TYPE, 'Create', { Name: 'viewers', SecretArn: SECRET_ARN }), makeContext());

    // THEN this request's one pair is kept, read back and written with the generated private key; the others stay
    expect(ivs.commandCalls(ListPlaybackKeyPairsCommand).map((call) => call.args[0].input)).toEqual([{ nextToken: undefined }, { nextToken: 'page2' }]);
    expect(ivs.commandCalls(DeletePlaybackKeyPairCommand)).toEqual([]);
    expect(JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!).playbackKeyPairArn).toBe(KEY_PAIR_ARN);
    expect(response).toEqual({ PhysicalResourceId: KEY_PAIR_ARN, Data: DATA });
  });

  test('a generated pair needs a secret', async () => {
    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'viewers' }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsPlaybackKeyPair Resource (viewers): SecretArn is required when PublicKeyMaterial is absent: the generated private key is written there');
    expect(ivs).not.toHaveReceivedAnyCommand();
  });

  test('deletes the imported pair when its private key cannot be stored', async () => {
    // GIVEN
    secrets.on(PutSecretValueCommand).rejects(new Error('denied'));
    ivs.on(DeletePlaybackKeyPairCommand).resolves({});

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeletePlaybackKeyPairCommand, { arn: KEY_PAIR_ARN });
    expect(error.message).toBe(`Custom::IvsPlaybackKeyPair Resource: PutSecretValue failed: denied (deleted playback key pair ${KEY_PAIR_ARN}, which this request had created)`);
  });
});

describe('Update', () => {
  const old = { Name: 'viewers', PublicKeyMaterial: USER_PUBLIC_KEY, Tags: { team: 'video' } };

  function update(props: { [name: string]: unknown }, oldProps: { [name: string]: unknown } = old) {
    return makeEvent(TYPE, 'Update', props, { PhysicalResourceId: KEY_PAIR_ARN, OldResourceProperties: oldProps });
  }

  test('tags change in place', async () => {
    // GIVEN
    ivs.on(GetPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34:56' } });

    // WHEN
    const response = await handler(update({ ...old, Tags: { stage: 'prod' } }), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: KEY_PAIR_ARN, tagKeys: ['team'] });
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: KEY_PAIR_ARN, tags: { stage: 'prod' } });
    expect(ivs).not.toHaveReceivedCommand(ImportPlaybackKeyPairCommand);
    expect(response).toEqual({ PhysicalResourceId: KEY_PAIR_ARN, Data: DATA });
  });

  test.each([
    ['a new key', { ...old, PublicKeyMaterial: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }) }],
  ])('%s replaces the pair', async (_, props) => {
    // GIVEN
    ivs.on(ImportPlaybackKeyPairCommand).resolves({ keyPair: { arn: NEW_KEY_PAIR_ARN, name: props.Name } });

    // WHEN
    const response = await handler(update(props), makeContext());

    // THEN a new ARN: CloudFormation deletes the old pair afterwards
    expect(ivs).toHaveReceivedCommandWith(ImportPlaybackKeyPairCommand, { publicKeyMaterial: props.PublicKeyMaterial, name: props.Name });
    expect(response.PhysicalResourceId).toBe(NEW_KEY_PAIR_ARN);
  });

  test('a new name for the same key of your own is refused (IVS holds one pair per key; a rollback could not bring a deleted pair back)', async () => {
    // GIVEN the pair as IVS has it, under the old name
    ivs.on(GetPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34:56' } });

    // WHEN
    const error = await failureOf(handler(update({ ...old, Name: 'viewers-2' }), makeContext()));

    // THEN nothing was deleted or imported, and the reason says what to do
    expect(ivs).not.toHaveReceivedCommand(DeletePlaybackKeyPairCommand);
    expect(ivs).not.toHaveReceivedCommand(ImportPlaybackKeyPairCommand);
    expect(error.message).toBe(`Custom::IvsPlaybackKeyPair Resource (viewers-2): IVS holds one playback key pair per public key, so ${KEY_PAIR_ARN} `
      + 'cannot be renamed from \'viewers\' to \'viewers-2\' without deleting it first, which a rollback could not undo: keep the name, '
      + 'or give the new name with a new publicKeyMaterial (a new key)');
  });

  test('the update back to a name the pair has (the rollback of a refused rename) changes nothing but tags', async () => {
    // GIVEN a pair that still has its name: the refused rename never reached IVS
    ivs.on(GetPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34:56' } });

    // WHEN CloudFormation rolls back: old properties back, the attempted ones as old
    const response = await handler(makeEvent(TYPE, 'Update', old, { PhysicalResourceId: KEY_PAIR_ARN, OldResourceProperties: { ...old, Name: 'viewers-2' } }), makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(ImportPlaybackKeyPairCommand);
    expect(response.PhysicalResourceId).toBe(KEY_PAIR_ARN);
  });

  test('a new key is imported before CloudFormation deletes the old pair', async () => {
    // GIVEN
    ivs.on(ImportPlaybackKeyPairCommand).resolves({ keyPair: { arn: NEW_KEY_PAIR_ARN } });
    const publicKeyMaterial = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' });

    // WHEN
    await handler(update({ ...old, PublicKeyMaterial: publicKeyMaterial }), makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(DeletePlaybackKeyPairCommand);
  });

  test('a generated pair moving to a new secret is generated again', async () => {
    // GIVEN
    const event = update({ Name: 'viewers', SecretArn: `${SECRET_ARN}-2` }, { Name: 'viewers', SecretArn: SECRET_ARN });

    // WHEN
    await handler(event, makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(ImportPlaybackKeyPairCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: `${SECRET_ARN}-2` });
  });
});

describe('Delete', () => {
  const remove = () => makeEvent(TYPE, 'Delete', { Name: 'viewers' }, { PhysicalResourceId: KEY_PAIR_ARN });

  test('deletes the pair', async () => {
    // GIVEN
    ivs.on(DeletePlaybackKeyPairCommand).resolves({});

    // WHEN
    const response = await handler(remove(), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeletePlaybackKeyPairCommand, { arn: KEY_PAIR_ARN });
    expect(response).toEqual({ PhysicalResourceId: KEY_PAIR_ARN });
  });

  test('a pair already gone counts as deleted', async () => {
    // GIVEN
    ivs.on(DeletePlaybackKeyPairCommand).rejects(notFound());

    // WHEN
    const response = await handler(remove(), makeContext());

    // THEN
    expect(response).toEqual({ PhysicalResourceId: KEY_PAIR_ARN });
  });
});
