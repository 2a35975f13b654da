// The playback token helper (lib/playback-token.ts), checked against an independent JWT library
// (jsonwebtoken) with the public key: signature, header and each claim, and every rule it enforces.
import { generateKeyPairSync, KeyObject } from 'crypto';
import * as jwt from 'jsonwebtoken';
import {
  MAX_TRACKED_TOKEN_LIFETIME_SECONDS, parsePlaybackPrivateKey, PlaybackTokenError, PlaybackTokenOptions, playbackUrlWithToken,
  signPlaybackToken,
} from '../../lib/playback-token';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';
const PLAYBACK_URL = 'https://0123456789ab.us-west-2.playback.live-video.net/api/video/v1/us-west-2.123456789012.channel.abcdABCDefgh.m3u8';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const PUBLIC_PEM = p384.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PKCS8_PEM = p384.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SEC1_PEM = p384.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
const SECRET_JSON = JSON.stringify({ playbackKeyPairArn: 'arn:aws:ivs:us-west-2:123456789012:playback-key/keyAAAAAAAAA', publicKey: PUBLIC_PEM, privateKey: PKCS8_PEM });

/** Verifies like a relying party would: ES384 only, the public key, the clock at `at`. */
function verify(token: string, publicKey: string | KeyObject = PUBLIC_PEM, at: Date = NOW): jwt.JwtPayload {
  return jwt.verify(token, publicKey, { algorithms: ['ES384'], clockTimestamp: Math.floor(at.getTime() / 1000) }) as jwt.JwtPayload;
}

function sign(extra: Partial<PlaybackTokenOptions> = {}) {
  return signPlaybackToken({ privateKey: PKCS8_PEM, channelArn: CHANNEL_ARN, now: NOW, ...extra });
}

function refused(extra: Partial<PlaybackTokenOptions>): string {
  try {
    sign(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(PlaybackTokenError);
    return (error as Error).message;
  }
  throw new Error('signPlaybackToken accepted it');
}

describe('signPlaybackToken', () => {
  test('an ES384 JWT with IVS\'s header, verified by jsonwebtoken with the public key', () => {
    // WHEN
    const { token, claims, expiresAt, playbackUrl } = sign({ expiresInSeconds: 120 });

    // THEN
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toEqual({ alg: 'ES384', typ: 'JWT' });
    expect(verify(token)).toEqual({ 'aws:channel-arn': CHANNEL_ARN, 'exp': NOW_S + 120 });
    expect(claims).toEqual({ 'aws:channel-arn': CHANNEL_ARN, 'exp': NOW_S + 120 });
    expect(expiresAt).toEqual(new Date(NOW.getTime() + 120_000));
    expect(playbackUrl).toBeUndefined();
    // the signature is R || S (96 bytes for P-384), as JWS requires
    expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(96);
  });

  test('a token signed with another key does not verify', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const { token } = signPlaybackToken({ privateKey: other.privateKey, channelArn: CHANNEL_ARN, now: NOW });
    expect(() => verify(token)).toThrow(/invalid signature/);
    expect(verify(token, other.publicKey)['aws:channel-arn']).toBe(CHANNEL_ARN);
  });

  test('every claim of the user guide, in its names and types', () => {
    // WHEN
    const { token } = sign({
      expiresInSeconds: 300,
      allowedOrigins: ['https://example.com', 'https://*.example.com:8443'],
      strictOriginEnforcement: true,
      viewerId: 'viewer-42',
      viewerSessionVersion: 1767225600,
      singleUseUuid: '0b0fd3e7-2d3e-4d2a-9a8e-6d1f0e7c9b11',
      maximumResolution: 'HD',
    });

    // THEN
    expect(verify(token)).toEqual({
      'aws:channel-arn': CHANNEL_ARN,
      'aws:access-control-allow-origin': 'https://example.com,https://*.example.com:8443',
      'aws:strict-origin-enforcement': true,
      'aws:single-use-uuid': '0b0fd3e7-2d3e-4d2a-9a8e-6d1f0e7c9b11',
      'aws:viewer-id': 'viewer-42',
      'aws:viewer-session-version': 1767225600,
      'aws:maximum-resolution': 'HD',
      'exp': NOW_S + 300,
    });
  });

  test('exp is whole seconds since the epoch, and jsonwebtoken refuses the token once it passed', () => {
    const { token } = sign({ expiresAt: new Date(NOW.getTime() + 90_999) });
    expect(verify(token).exp).toBe(NOW_S + 90);
    expect(() => verify(token, PUBLIC_PEM, new Date(NOW.getTime() + 91_000))).toThrow(/jwt expired/);
  });

  test('the default lifetime is 10 minutes', () => {
    expect(sign().claims.exp).toBe(NOW_S + 600);
  });

  test('singleUseUuid: true makes a fresh UUID per token', () => {
    const a = sign({ singleUseUuid: true }).claims['aws:single-use-uuid'];
    const b = sign({ singleUseUuid: true }).claims['aws:single-use-uuid'];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
    expect(sign({ singleUseUuid: false }).claims).not.toHaveProperty('aws:single-use-uuid');
  });

  test('a bigint viewer session version is written as a JSON integer (Int64 beyond 2^53)', () => {
    const { token } = sign({ viewerId: 'v', viewerSessionVersion: BigInt('9223372036854775807') });
    const payload = Buffer.from(token.split('.')[1], 'base64url').toString();
    expect(payload).toContain('"aws:viewer-session-version":9223372036854775807,');
    expect(() => verify(token)).not.toThrow();
  });

  test('with playbackUrl: the URL with ?token= appended', () => {
    const { token, playbackUrl } = sign({ playbackUrl: PLAYBACK_URL });
    expect(playbackUrl).toBe(`${PLAYBACK_URL}?token=${token}`);
    expect(new URL(playbackUrl!).searchParams.get('token')).toBe(token);
    // another query parameter stays
    expect(playbackUrlWithToken(`${PLAYBACK_URL}?player=web`, 'abc')).toBe(`${PLAYBACK_URL}?player=web&token=abc`);
    // the guide's example form (aws.ivs.<region>.<account>) is recognized too
    const guideForm = PLAYBACK_URL.replace('/v1/us-west-2.', '/v1/aws.ivs.us-west-2.');
    expect(sign({ playbackUrl: guideForm }).playbackUrl).toMatch(/\.m3u8\?token=/);
  });

  describe('keys', () => {
    test.each([
      ['PKCS#8 PEM', PKCS8_PEM],
      ['SEC1 PEM (openssl ecparam -genkey)', SEC1_PEM],
      ['a KeyObject', p384.privateKey],
      ['the JSON of a generated PlaybackKeyPair\'s secret', SECRET_JSON],
      ['what parsePlaybackPrivateKey returns', parsePlaybackPrivateKey(SECRET_JSON)],
    ])('%s', (_what, privateKey) => {
      const { token } = signPlaybackToken({ privateKey, channelArn: CHANNEL_ARN, now: NOW });
      expect(verify(token)['aws:channel-arn']).toBe(CHANNEL_ARN);
    });

    test('the secret\'s key pair ARN is kept', () => {
      expect(parsePlaybackPrivateKey(SECRET_JSON).playbackKeyPairArn).toBe('arn:aws:ivs:us-west-2:123456789012:playback-key/keyAAAAAAAAA');
    });

    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    test.each([
      ['a P-256 key', p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /EC key on prime256v1, not P-384/],
      ['a P-256 KeyObject', p256.privateKey, /EC key on prime256v1, not P-384/],
      ['an RSA key', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /is an rsa key; IVS playback keys are ECDSA P-384/],
      ['the public key', PUBLIC_PEM, /is a public key; tokens are signed with the private key/],
      ['a public KeyObject', p384.publicKey, /is a public key; tokens are signed with the private key/],
      ['not a key', 'hello', /is not a PEM private key/],
      ['a broken PEM', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /not a readable PEM private key/],
      ['JSON without privateKey', JSON.stringify({ playbackKeyPairArn: 'x', publicKey: PUBLIC_PEM }), /no privateKey field \(fields: playbackKeyPairArn, publicKey\)/],
      ['JSON that does not parse', `{ "privateKey": ${JSON.stringify(PKCS8_PEM)}`, /looks like JSON but does not parse/],
      ['the stream key secret', JSON.stringify({ channelArn: CHANNEL_ARN, streamKey: 'sk_x' }), /no privateKey field \(fields: channelArn, streamKey\)/],
      ['a number', 42 as unknown as string, /privateKey must be a PEM string, a KeyObject or a key pair secret's JSON, got number/],
    ])('refuses %s, naming it, without echoing key material', (_what, privateKey, message) => {
      let error: Error | undefined;
      try {
        signPlaybackToken({ privateKey, channelArn: CHANNEL_ARN, now: NOW });
      } catch (e) {
        error = e as Error;
      }
      expect(error).toBeInstanceOf(PlaybackTokenError);
      expect(error!.message).toMatch(message);
      expect(error!.message).not.toMatch(/MI[GI][A-Za-z0-9+/]|AAAA/);
    });
  });

  describe('rules', () => {
    test.each([
      ['arn:aws:ivs:us-west-2:123456789012:stream-key/abcdABCDefgh'],
      ['arn:aws:ivs:us-west-2:123456789012:channel/'],
      ['arn:aws:ivs:US-WEST-2:123456789012:channel/abc'],
      ['arn:aws:s3:::bucket'],
      ['arn:aws:ivs:us-west-2:123456789012:channel/abc def'],
      [`arn:aws:ivs:us-west-2:123456789012:channel/${'a'.repeat(100)}`],
    ])('a channel ARN of the wrong shape: %s', (channelArn) => {
      expect(refused({ channelArn })).toMatch(/channelArn must be a channel ARN \(arn:aws:ivs:<region>:<account>:channel\/<id>\), got '/);
    });

    test('a wildcard channel ARN only when asked for', () => {
      const channelArn = 'arn:aws:ivs:us-west-2:123456789012:channel/*';
      expect(refused({ channelArn })).toMatch(/wildcards need allowChannelArnWildcard/);
      expect(verify(sign({ channelArn, allowChannelArnWildcard: true }).token)['aws:channel-arn']).toBe(channelArn);
    });

    test('an expiry in the past, or now', () => {
      expect(refused({ expiresAt: new Date(NOW.getTime() - 1000) })).toMatch(/would expire at 2026-03-01T11:59:59.000Z, not after now \(2026-03-01T12:00:00.000Z\): the expiry is in the past/);
      expect(refused({ expiresAt: NOW })).toMatch(/the expiry is in the past/);
      expect(refused({ expiresInSeconds: 0 })).toMatch(/expiresInSeconds must be a positive number of seconds, got 0/);
      expect(refused({ expiresInSeconds: -60 })).toMatch(/got -60/);
      expect(refused({ expiresInSeconds: Number.NaN })).toMatch(/got NaN/);
      expect(refused({ expiresAt: new Date('nope') })).toMatch(/expiresAt is not a valid date/);
      expect(refused({ expiresAt: new Date(NOW.getTime() + 1000), expiresInSeconds: 1 })).toMatch(/not both/);
    });

    test.each([
      ['viewerId', { viewerId: 'v1' }],
      ['singleUseUuid', { singleUseUuid: true }],
    ])('with %s, exp at most 10 minutes ahead', (name, extra) => {
      expect(sign({ ...extra, expiresInSeconds: MAX_TRACKED_TOKEN_LIFETIME_SECONDS }).claims.exp).toBe(NOW_S + 600);
      expect(refused({ ...extra, expiresInSeconds: 601 })).toBe(
        `playback token: with ${name}, IVS allows exp at most 600 s (10 minutes) in the future; got 601 s (until 2026-03-01T12:10:01.000Z)`);
      expect(refused({ ...extra, expiresAt: new Date(NOW.getTime() + 3600_000) })).toMatch(/got 3600 s/);
    });

    test('without viewerId or singleUseUuid, a long expiry is allowed', () => {
      expect(verify(sign({ expiresInSeconds: 7 * 24 * 3600 }).token).exp).toBe(NOW_S + 7 * 24 * 3600);
    });

    test('viewerId: 1 to 40 characters', () => {
      expect(sign({ viewerId: 'v'.repeat(40) }).claims['aws:viewer-id']).toHaveLength(40);
      expect(refused({ viewerId: 'v'.repeat(41) })).toMatch(/viewerId must be a string of 1 to 40 characters, got 41 characters/);
      expect(refused({ viewerId: '' })).toMatch(/got 0 characters/);
    });

    test('viewerSessionVersion: with a viewerId, a signed 64-bit integer', () => {
      expect(refused({ viewerSessionVersion: 1 })).toMatch(/viewerSessionVersion does nothing without viewerId/);
      expect(refused({ viewerId: 'v', viewerSessionVersion: 1.5 })).toMatch(/64-bit signed integer .* got 1.5/);
      expect(refused({ viewerId: 'v', viewerSessionVersion: 2 ** 53 })).toMatch(/got 9007199254740992/);
      expect(refused({ viewerId: 'v', viewerSessionVersion: BigInt(2) ** BigInt(63) })).toMatch(/got 9223372036854775808/);
      expect(sign({ viewerId: 'v', viewerSessionVersion: -5 }).claims['aws:viewer-session-version']).toBe(-5);
    });

    test('singleUseUuid must be a UUID', () => {
      expect(refused({ singleUseUuid: 'not-a-uuid' })).toMatch(/singleUseUuid must be a UUID \(8-4-4-4-12 hex digits\), got 'not-a-uuid'/);
    });

    test('origins: each an origin (hostname may begin with *), at most 5 with strict enforcement', () => {
      const five = ['https://a.example', 'https://b.example', 'https://c.example', 'https://d.example', 'https://e.example'];
      expect(sign({ allowedOrigins: five, strictOriginEnforcement: true }).claims['aws:access-control-allow-origin']).toBe(five.join(','));
      expect(refused({ allowedOrigins: [...five, 'https://f.example'], strictOriginEnforcement: true }))
        .toMatch(/with strictOriginEnforcement, IVS allows at most 5 origins; got 6/);
      expect(sign({ allowedOrigins: [...five, 'https://f.example'] }).claims['aws:access-control-allow-origin']).toContain('f.example');
      expect(sign({ allowedOrigins: ['*'] }).claims['aws:access-control-allow-origin']).toBe('*');
      expect(refused({ allowedOrigins: ['example.com'] })).toMatch(/allowedOrigins: 'example.com' is not an origin/);
      expect(refused({ allowedOrigins: ['https://example.com/path'] })).toMatch(/'https:\/\/example.com\/path' is not an origin/);
      expect(refused({ allowedOrigins: ['https://a.*.example.com'] })).toMatch(/is not an origin/);
      expect(refused({ allowedOrigins: [] })).toMatch(/allowedOrigins is empty/);
    });

    test('maximumResolution: SD, HD or FULL_HD', () => {
      expect(refused({ maximumResolution: '4K' as 'HD' })).toMatch(/maximumResolution must be one of SD, HD, FULL_HD, got '4K'/);
    });

    test('playbackUrl: a playlist URL of the same channel', () => {
      expect(refused({ playbackUrl: 'not a url' })).toMatch(/playbackUrl is not a URL/);
      expect(refused({ playbackUrl: 'ftp://x/y.m3u8' })).toMatch(/must be an https URL/);
      expect(refused({ playbackUrl: 'https://example.com/index.html' })).toMatch(/must end in .m3u8/);
      expect(refused({ playbackUrl: PLAYBACK_URL.replace('abcdABCDefgh.m3u8', 'otherChannel.m3u8') }))
        .toMatch(/playbackUrl is the playback URL of arn:aws:ivs:us-west-2:123456789012:channel\/otherChannel, but channelArn is arn:aws:ivs:us-west-2:123456789012:channel\/abcdABCDefgh/);
    });

    test('now must be a date', () => {
      expect(refused({ now: new Date('x') })).toMatch(/now is not a valid date/);
    });
  });
});
