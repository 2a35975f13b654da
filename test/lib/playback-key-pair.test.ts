import { generateKeyPairSync, KeyPairKeyObjectResult } from 'crypto';
import { App, Fn, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PLAYBACK_KEY_PAIR_FIELDS, RESOURCE_TYPES, SECRET_OWNER_TAG } from '../../lib/contract';
import { PlaybackKeyPair } from '../../lib';
import { newStack, onlyResource, template } from './helpers';

const PAIR_ARN = 'arn:aws:ivs:us-west-2:693991300569:playback-key/f99cde61-c2b0-4df3-8941-ca7d38acca1a';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The PEM public half of a new key pair of another type or curve. */
function pem(type: 'ec' | 'rsa' | 'ed25519', options: object): string {
  return (generateKeyPairSync as (t: string, o: object) => KeyPairKeyObjectResult)(type, options)
    .publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('PlaybackKeyPair', () => {
  test('with publicKeyMaterial: imports it, no secret', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const pair = new PlaybackKeyPair(stack, 'PlaybackKeyPair', { publicKeyMaterial: PUBLIC_PEM, playbackKeyPairName: 'viewers' });
    // THEN
    const resource = onlyResource(stack, RESOURCE_TYPES.playbackKeyPair);
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '600',
      CodeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      Name: 'viewers',
      PublicKeyMaterial: PUBLIC_PEM,
    });
    for (const name of Object.keys(resource.Properties)) {
      if (!['ServiceToken', 'ServiceTimeout'].includes(name)) {
        expect(Object.keys(PLAYBACK_KEY_PAIR_FIELDS)).toContain(name);
      }
    }
    template(stack).resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(pair.secret).toBeUndefined();
    expect(stack.resolve(pair.playbackKeyPairArn)).toEqual({ Ref: expect.stringMatching(/^PlaybackKeyPair/) });
    expect(stack.resolve(pair.playbackKeyPairFingerprint)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PlaybackKeyPair/), 'Fingerprint'] });
  });

  test('without publicKeyMaterial: a generated name and a secret for the private key', () => {
    const stack = newStack();
    const pair = new PlaybackKeyPair(stack, 'Pair');
    const t = template(stack);
    t.hasResourceProperties(RESOURCE_TYPES.playbackKeyPair, {
      Name: Match.stringLikeRegexp('^TestStackPair'),
      PublicKeyMaterial: Match.absent(),
      SecretArn: { Ref: Match.stringLikeRegexp('^PairSecret') },
    });
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: Match.absent(),
      GenerateSecretString: Match.absent(),
      Tags: [{ Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } }],
    });
    expect(pair.secret).toBeDefined();
    expect(JSON.stringify(t.toJSON())).not.toContain('PRIVATE KEY');
  });

  test('tags, Tags.of() and the removal policy reach the key pair and its secret', () => {
    const stack = newStack();
    new PlaybackKeyPair(stack, 'Pair', { tags: { a: '1' }, removalPolicy: RemovalPolicy.RETAIN });
    Tags.of(stack).add('b', '2');
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.playbackKeyPair, { Properties: { Tags: { a: '1', b: '2' } }, DeletionPolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('applyRemovalPolicy reaches the key pair and its secret', () => {
    const stack = newStack();
    const pair = new PlaybackKeyPair(stack, 'Pair');
    pair.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.playbackKeyPair, { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('rejects a private key, a non-PEM key and a bad name', () => {
    const stack = newStack();
    expect(() => new PlaybackKeyPair(stack, 'Private', { publicKeyMaterial: PRIVATE_PEM }))
      .toThrow(/publicKeyMaterial holds a private key/);
    expect(() => new PlaybackKeyPair(stack, 'Junk', { publicKeyMaterial: 'not a key' }))
      .toThrow(/publicKeyMaterial must be a PEM public key \(-----BEGIN PUBLIC KEY-----\), got 'not a key'/);
    expect(() => new PlaybackKeyPair(stack, 'Name', { publicKeyMaterial: PUBLIC_PEM, playbackKeyPairName: 'my pair' }))
      .toThrow(/playbackKeyPairName must be only letters, digits, hyphens and underscores, got 'my pair'/);
  });

  test.each<[string, string, RegExp]>([
    ['an EC key on P-256', pem('ec', { namedCurve: 'prime256v1' }), /got an EC key on curve prime256v1: '-----BEGIN PUBLIC KEY-----/],
    ['an EC key on P-521', pem('ec', { namedCurve: 'secp521r1' }), /got an EC key on curve secp521r1: '-----BEGIN PUBLIC KEY-----/],
    ['an RSA key', pem('rsa', { modulusLength: 2048 }), /got key type rsa: '-----BEGIN PUBLIC KEY-----/],
    ['an Ed25519 key', pem('ed25519', {}), /got key type ed25519: '-----BEGIN PUBLIC KEY-----/],
  ])('rejects a PEM public key that is not ECDSA P-384: %s', (_name, publicKeyMaterial, error) => {
    const create = () => new PlaybackKeyPair(newStack(), 'Pair', { publicKeyMaterial });
    expect(create).toThrow(/^publicKeyMaterial must be an ECDSA public key on the P-384 curve \(secp384r1\), got /);
    expect(create).toThrow(error);
  });

  test('accepts a P-384 key however it is encoded (SPKI PEM with CRLF line ends)', () => {
    const stack = newStack();
    new PlaybackKeyPair(stack, 'Pair', { publicKeyMaterial: PUBLIC_PEM.replace(/\n/g, '\r\n') });
    template(stack).resourceCountIs(RESOURCE_TYPES.playbackKeyPair, 1);
  });

  test('a token public key is not checked at synth', () => {
    const stack = newStack();
    new PlaybackKeyPair(stack, 'Pair', { publicKeyMaterial: Fn.importValue('Pem') });
    template(stack).hasResourceProperties(RESOURCE_TYPES.playbackKeyPair, { PublicKeyMaterial: { 'Fn::ImportValue': 'Pem' } });
  });

  describe('more than 3 pairs in one account and region warn with the quota', () => {
    const QUOTA = 'cdk-ivs:playbackKeyPairQuota';

    test('the 4th pair of a stack in its own account and region', () => {
      const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Keys', { env: { account: '111111111111', region: 'us-west-2' } });
      for (let i = 0; i < 4; i++) new PlaybackKeyPair(stack, `Pair${i}`);
      const annotations = Annotations.fromStack(stack);
      for (const i of [0, 1, 2]) annotations.hasNoWarning(`/Keys/Pair${i}`, Match.anyValue());
      annotations.hasWarning('/Keys/Pair3', Match.stringLikeRegexp(
        `^this is playback key pair 4 of this stack in account 111111111111 and region us-west-2: IVS allows 3 per account and region .*${QUOTA}`));
    });

    test('an env-agnostic stack counts its own account and region together', () => {
      const stack = newStack();
      for (let i = 0; i < 5; i++) new PlaybackKeyPair(stack, `Pair${i}`);
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(QUOTA));
      expect(warnings.map((w) => w.id)).toEqual(['/TestStack/Pair3', '/TestStack/Pair4']);
      expect(warnings[0].entry.data).toMatch(/^this is playback key pair 4 of this stack in account of the stack and region of the stack:/);
    });

    test('pairs in other regions and accounts count apart', () => {
      const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Keys', { env: { account: '111111111111', region: 'us-west-2' } });
      for (let i = 0; i < 3; i++) new PlaybackKeyPair(stack, `Home${i}`);
      for (let i = 0; i < 3; i++) new PlaybackKeyPair(stack, `Europe${i}`, { region: 'eu-west-1' });
      for (let i = 0; i < 3; i++) new PlaybackKeyPair(stack, `Partner${i}`, { assumedRoleArn: 'arn:aws:iam::222222222222:role/ivs' });
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(QUOTA));
      new PlaybackKeyPair(stack, 'Partner3', { assumedRoleArn: 'arn:aws:iam::222222222222:role/ivs' });
      Annotations.fromStack(stack).hasWarning('/Keys/Partner3', Match.stringLikeRegexp('pair 4 of this stack in account 222222222222 and region us-west-2'));
    });
  });

  describe('fromPlaybackKeyPairArn', () => {
    test('imports a key pair', () => {
      const stack = newStack();
      const pair = PlaybackKeyPair.fromPlaybackKeyPairArn(stack, 'Pair', PAIR_ARN);
      expect(pair.playbackKeyPairArn).toBe(PAIR_ARN);
      expect(pair.env.account).toBe('693991300569');
    });

    test.each([
      ['arn:aws:ivs:us-west-2:693991300569:playback-key-pair/abc'],
      ['arn:aws:ivs:us-west-2:693991300569:channel/abc'],
      ['abc'],
    ])('rejects %s', (arn) => {
      const stack = newStack();
      expect(() => PlaybackKeyPair.fromPlaybackKeyPairArn(stack, 'Pair', arn)).toThrow(/playbackKeyPairArn must be an IVS playback key pair ARN/);
    });

    test('checks the resource type of a partly tokenized ARN', () => {
      const stack = newStack();
      expect(() => PlaybackKeyPair.fromPlaybackKeyPairArn(stack, 'Pair', `arn:aws:ivs:${stack.region}:1:channel/abc`))
        .toThrow(/got resource type 'channel'/);
      expect(() => PlaybackKeyPair.fromPlaybackKeyPairArn(stack, 'Ok', `arn:aws:ivs:${stack.region}:1:playback-key/abc`)).not.toThrow();
    });
  });
});
