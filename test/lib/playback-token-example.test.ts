// The example's token signer (examples/token-signer), with the IAM the example app grants it, run
// against the emulator's Secrets Manager; the URL it answers plays at the emulator's playback edge.
import { generateKeyPairSync } from 'node:crypto';
import { CreateChannelCommand, ImportPlaybackKeyPairCommand, IvsClient } from '@aws-sdk/client-ivs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as jwt from 'jsonwebtoken';
import { buildApp } from '../../examples/app';
import { coldStart, handler } from '../../examples/token-signer';
import { IvsEmulator, startEmulator } from '../emulator';

test('the example app grants the token signer read access to the key pair\'s secret, and hands it the channel', () => {
  // WHEN
  const app = buildApp(new App());
  const template = Template.fromStack(app.node.findChild('CdkIvsExample') as never);

  // THEN
  const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret', { Properties: { Description: Match.stringLikeRegexp('PlaybackKeys') } }));
  const [channelId] = Object.keys(template.findResources('Custom::IvsChannel', { Properties: { Name: 'example-members' } }));
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Environment: {
      Variables: {
        CHANNEL_ARN: { Ref: channelId },
        PLAYBACK_URL: { 'Fn::GetAtt': [channelId, 'PlaybackUrl'] },
        PLAYBACK_KEY_SECRET_ARN: { Ref: secretId },
        TOKEN_TTL_SECONDS: '300',
      },
    },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyName: Match.stringLikeRegexp('^TokenSigner'),
    PolicyDocument: {
      Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: secretId } }],
    },
  });
}, 60_000);

describe('the token signer against the emulator', () => {
  let emulator: IvsEmulator;
  let publicKey: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await startEmulator({ throttle: false });
    const ivs = new IvsClient(emulator.clientConfig());
    const pair = generateKeyPairSync('ec', {
      namedCurve: 'secp384r1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    publicKey = pair.publicKey;
    const imported = await ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: pair.publicKey }));
    const channel = (await ivs.send(new CreateChannelCommand({ name: 'members', authorized: true }))).channel!;
    ivs.destroy();
    emulator.state.setLive(channel.arn!);
    // as the provider writes it for a generated PlaybackKeyPair
    const secret = emulator.state.createSecret({ name: 'PlaybackKeysSecret', secretString: JSON.stringify({ playbackKeyPairArn: imported.keyPair!.arn, ...pair }) });
    Object.assign(process.env, emulator.env(), {
      CHANNEL_ARN: channel.arn, PLAYBACK_URL: channel.playbackUrl, PLAYBACK_KEY_SECRET_ARN: secret.arn, TOKEN_TTL_SECONDS: '120',
    });
    coldStart();
  });

  afterAll(async () => {
    process.env = saved;
    await emulator.close();
  });

  test('answers a signed playback URL that plays; warm invocations read the secret once', async () => {
    // WHEN
    const first = await handler({ viewerId: 'viewer-7' });
    const second = await handler();

    // THEN
    expect(first.statusCode).toBe(200);
    const { playbackUrl, expiresAt } = JSON.parse(first.body);
    expect(playbackUrl.startsWith(`${process.env.PLAYBACK_URL}?token=`)).toBe(true);
    const claims = jwt.verify(new URL(playbackUrl).searchParams.get('token')!, publicKey, { algorithms: ['ES384'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ 'aws:channel-arn': process.env.CHANNEL_ARN, 'aws:viewer-id': 'viewer-7' });
    expect(new Date(expiresAt).getTime() / 1000).toBe(claims.exp);
    expect(claims.exp! - Date.now() / 1000).toBeGreaterThan(110);
    expect(second.statusCode).toBe(200);
    expect(emulator.calls('secretsmanager:GetSecretValue')).toHaveLength(1);
    const played = await fetch(emulator.playbackUrl(playbackUrl));
    expect(played.status).toBe(200);
    expect(await played.text()).toMatch(/^#EXTM3U/);
  });

  test('a bad viewer ID is the caller\'s error (400); a missing secret is the signer\'s (500), without detail', async () => {
    expect(await handler({ viewerId: 'v'.repeat(41) })).toMatchObject({ statusCode: 400, body: expect.stringContaining('viewerId must be a string of 1 to 40 characters') });
    coldStart();
    process.env.PLAYBACK_KEY_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gone-abcdef';
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await handler()).toEqual({ statusCode: 500, headers: expect.anything(), body: JSON.stringify({ message: 'could not sign a playback token' }) });
      expect(error).toHaveBeenCalledWith('token signer failed:', expect.stringMatching(/Secrets Manager can't find the specified secret|ResourceNotFound/));
    } finally {
      error.mockRestore();
    }
  });
});
