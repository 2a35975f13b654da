// The emulator's playback edge (playback.ts), as a viewer meets it: unsigned GETs of the playback URL,
// tokens signed by the package's own helper (lib/playback-token.ts) or crafted by hand for what the
// helper refuses to sign. Every test runs under each undocumented behaviour (PLAYBACK_EDGE_VARIANTS)
// and expects what that behaviour implies.
import { generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { request } from 'node:http';
import {
  BatchStartViewerSessionRevocationCommand, CreateChannelCommand, DeletePlaybackKeyPairCommand, ImportPlaybackKeyPairCommand,
  IvsClient, StartViewerSessionRevocationCommand,
} from '@aws-sdk/client-ivs';
import { signPlaybackToken, PlaybackTokenOptions } from '../../lib/playback-token';
import { IvsEmulator, startEmulator, TEST_ACCOUNT_ID } from '.';
import { PLAYBACK_EDGE_VARIANTS, toEmulatorPlaybackUrl } from './playback';

interface Reply {
  readonly status: number;
  readonly headers: { [k: string]: string | string[] | undefined };
  readonly body: string;
  readonly refusal?: string;
}

function get(url: string, headers: { [k: string]: string } = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('latin1'),
        refusal: res.headers['x-emulator-refusal'] as string | undefined,
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

function p384() {
  return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
}

/** A JWT signed with `key` as given, for tokens the helper would refuse to sign. */
function rawToken(claims: object, key: KeyObject, header: object = { alg: 'ES384', typ: 'JWT' }): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = sign('sha384', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${h}.${p}.${s}`;
}

const nowS = () => Math.floor(Date.now() / 1000);
const variantUrls = (playlist: string) => playlist.split('\n').filter((l) => l.startsWith('http'));
const renditionsOf = (playlist: string) => [...playlist.matchAll(/NAME="([^"]+)"/g)].map((m) => m[1]);

describe.each(PLAYBACK_EDGE_VARIANTS)('the playback edge ($name)', ({ options }) => {
  let emulator: IvsEmulator;
  let ivs: IvsClient;
  const keys = p384();
  let privateArn: string;
  let privateUrl: string;
  let publicUrl: string;

  /** A token for the private channel, signed by the helper with the imported key. */
  const token = (extra: Partial<PlaybackTokenOptions> = {}) =>
    signPlaybackToken({ privateKey: keys.privateKey, channelArn: privateArn, playbackUrl: privateUrl, ...extra });
  const play = (extra: Partial<PlaybackTokenOptions> = {}, headers: { [k: string]: string } = {}) => get(token(extra).playbackUrl!, headers);

  beforeAll(async () => {
    emulator = await startEmulator({ throttle: false, playback: options });
    ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    await ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), name: 'viewers' }));
    const priv = (await ivs.send(new CreateChannelCommand({ name: 'members', authorized: true }))).channel!;
    const pub = (await ivs.send(new CreateChannelCommand({ name: 'public' }))).channel!;
    privateArn = priv.arn!;
    privateUrl = emulator.playbackUrl(priv.playbackUrl!);
    publicUrl = emulator.playbackUrl(pub.playbackUrl!);
    emulator.state.setLive(priv.arn!);
    emulator.state.setLive(pub.arn!);
  });

  afterAll(async () => {
    ivs.destroy();
    await emulator.close();
  });

  test('the playback URL is served on the emulator\'s endpoint, same path and query', () => {
    const ivsUrl = 'https://0123456789ab.us-east-1.playback.live-video.net/api/video/v1/us-east-1.111111111111.channel.abcdABCDefgh.m3u8?token=x';
    expect(toEmulatorPlaybackUrl(ivsUrl, emulator.url)).toBe(`${emulator.url}/api/video/v1/us-east-1.111111111111.channel.abcdABCDefgh.m3u8?token=x`);
    expect(() => toEmulatorPlaybackUrl('https://example.com/index.html', emulator.url)).toThrow(/not a playback URL/);
  });

  test('a public channel answers an HLS playlist without a token, and its renditions and segments play', async () => {
    const playlist = await get(publicUrl);
    expect(playlist.status).toBe(200);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.body).toMatch(/^#EXTM3U\n/);
    expect(renditionsOf(playlist.body)).toEqual(['1080p', '720p', '480p', '360p', '160p']);
    const media = await get(variantUrls(playlist.body)[0]);
    expect(media.status).toBe(200);
    expect(media.body).toMatch(/#EXTINF:2.000,/);
    const segment = await get(variantUrls(media.body)[0]);
    expect(segment.status).toBe(200);
    expect(segment.headers['content-type']).toBe('video/MP2T');
    expect(segment.body.charCodeAt(0)).toBe(0x47);
    expect((await get(publicUrl, { origin: 'https://anywhere.example' })).headers['access-control-allow-origin']).toBe('*');
    // a HEAD has no body
    const head = await get(publicUrl, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  test('a private channel: 403 without a token, 200 with a valid one', async () => {
    const without = await get(privateUrl);
    expect([without.status, without.refusal]).toEqual([403, 'MissingToken']);
    const signed = await play();
    expect(signed.status).toBe(200);
    const media = await get(variantUrls(signed.body)[0]);
    expect(media.status).toBe(200);
  });

  test('refused: another key, another channel, a malformed token, another algorithm', async () => {
    const other = p384();
    const foreign = signPlaybackToken({ privateKey: other.privateKey, channelArn: privateArn, playbackUrl: privateUrl });
    expect((await get(foreign.playbackUrl!)).refusal).toBe('InvalidSignature');
    const otherChannel = rawToken({ 'aws:channel-arn': `arn:aws:ivs:us-east-1:${TEST_ACCOUNT_ID}:channel/otherChannel1`, 'exp': nowS() + 60 }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${otherChannel}`)).refusal).toBe('ChannelMismatch');
    expect((await get(`${privateUrl}?token=not.a-token`)).refusal).toBe('MalformedToken');
    const hs = rawToken({ 'aws:channel-arn': privateArn, 'exp': nowS() + 60 }, keys.privateKey, { alg: 'HS384', typ: 'JWT' });
    expect((await get(`${privateUrl}?token=${hs}`)).refusal).toBe('UnsupportedAlgorithm');
    const noExp = rawToken({ 'aws:channel-arn': privateArn }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${noExp}`)).refusal).toBe('MissingExpiry');
  });

  test('expiry, with the clock skew tolerance of the variant', async () => {
    // signed 10.5 minutes ago for 10 minutes: expired 30 s ago
    const recent = await play({ now: new Date(Date.now() - 630_000), expiresInSeconds: 600 });
    expect(recent.status).toBe(options.clockSkewSeconds >= 30 ? 200 : 403);
    if (recent.status === 403) expect(recent.refusal).toBe('TokenExpired');
    const old = await play({ now: new Date(Date.now() - 3600_000), expiresInSeconds: 600 });
    expect([old.status, old.refusal]).toEqual([403, 'TokenExpired']);
  });

  test('with a viewer ID or single-use UUID, exp at most 10 minutes ahead', async () => {
    expect((await play({ viewerId: 'v-exp', expiresInSeconds: 590 })).status).toBe(200);
    const far = rawToken({ 'aws:channel-arn': privateArn, 'aws:viewer-id': 'v-exp', 'exp': nowS() + 900 }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${far}`)).refusal).toBe('ExpiryTooFar');
    const farSingle = rawToken({ 'aws:channel-arn': privateArn, 'aws:single-use-uuid': randomUUID(), 'exp': nowS() + 900 }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${farSingle}`)).refusal).toBe('ExpiryTooFar');
    // without them, a long-lived token plays
    expect((await play({ expiresInSeconds: 86_400 })).status).toBe(200);
    const longId = rawToken({ 'aws:channel-arn': privateArn, 'aws:viewer-id': 'v'.repeat(41), 'exp': nowS() + 60 }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${longId}`)).refusal).toBe('InvalidViewerId');
  });

  test('the token travels as ?token=; in a header only where the variant reads one', async () => {
    const { token: jwt } = token();
    const viaHeader = await get(privateUrl, { authorization: `Bearer ${jwt}` });
    expect(viaHeader.status).toBe(options.tokenTransport === 'query-or-header' ? 200 : 403);
  });

  test('a wildcard channel ARN plays only where the variant allows wildcards', async () => {
    const wildcard = await play({ channelArn: `arn:aws:ivs:us-east-1:${TEST_ACCOUNT_ID}:channel/*`, allowChannelArnWildcard: true, playbackUrl: privateUrl });
    expect(wildcard.status).toBe(options.channelArnWildcards ? 200 : 403);
    const otherAccount = await play({ channelArn: 'arn:aws:ivs:us-east-1:999999999999:channel/*', allowChannelArnWildcard: true, playbackUrl: privateUrl });
    expect([otherAccount.status, otherAccount.refusal]).toEqual([403, 'ChannelMismatch']);
  });

  test('origins: non-browser clients play; browsers only from the allowed origins (multivariant playlist only)', async () => {
    const allowedOrigins = ['https://app.example.com', 'https://*.example.org'];
    expect((await play({ allowedOrigins })).status).toBe(200);
    const ok = await play({ allowedOrigins }, { origin: 'https://app.example.com' });
    expect([ok.status, ok.headers['access-control-allow-origin']]).toEqual([200, 'https://app.example.com']);
    expect((await play({ allowedOrigins }, { origin: 'https://www.example.org' })).headers['access-control-allow-origin']).toBe('https://www.example.org');

    const blocked = await play({ allowedOrigins }, { origin: 'https://evil.example' });
    // a browser does not play it: 403, or 200 without the CORS header
    if (options.originMismatch === 'forbidden') expect([blocked.status, blocked.refusal]).toEqual([403, 'OriginNotAllowed']);
    else expect([blocked.status, blocked.headers['access-control-allow-origin']]).toEqual([200, undefined]);

    const deep = await play({ allowedOrigins }, { origin: 'https://a.b.example.org' });
    const deepAllowed = options.originWildcardDepth === 'any';
    expect(deep.headers['access-control-allow-origin']).toBe(deepAllowed ? 'https://a.b.example.org' : undefined);
    expect(deep.status).toBe(deepAllowed || options.originMismatch === 'no-cors' ? 200 : 403);
    // the bare domain is not a subdomain
    expect((await play({ allowedOrigins }, { origin: 'https://example.org' })).headers['access-control-allow-origin']).toBeUndefined();

    // without strict enforcement, the variant playlists are not checked
    const media = await get(variantUrls(ok.body)[0], { origin: 'https://evil.example' });
    expect(media.status).toBe(200);
    // no origin rule: every origin, with a wildcard CORS answer
    expect((await play({}, { origin: 'https://anywhere.example' })).headers['access-control-allow-origin']).toBe('*');
  });

  test('strict origin enforcement: every request, browser or not, needs an allowed Origin', async () => {
    const strict = { allowedOrigins: ['https://app.example.com'], strictOriginEnforcement: true };
    expect((await play(strict)).refusal).toBe('OriginRequired');
    expect((await play(strict, { origin: 'https://evil.example' })).refusal).toBe('OriginNotAllowed');
    const ok = await play(strict, { origin: 'https://app.example.com' });
    expect(ok.status).toBe(200);
    const media = variantUrls(ok.body)[0];
    expect((await get(media)).refusal).toBe('OriginRequired');
    expect((await get(media, { origin: 'https://evil.example' })).refusal).toBe('OriginNotAllowed');
    const mediaOk = await get(media, { origin: 'https://app.example.com' });
    expect(mediaOk.status).toBe(200);
    expect((await get(variantUrls(mediaOk.body)[0], { origin: 'https://app.example.com' })).status).toBe(200);
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `https://${x}.example.com`).join(',');
    const tooMany = rawToken({ 'aws:channel-arn': privateArn, 'aws:access-control-allow-origin': six, 'aws:strict-origin-enforcement': true, 'exp': nowS() + 60 }, keys.privateKey);
    expect((await get(`${privateUrl}?token=${tooMany}`, { origin: 'https://a.example.com' })).refusal).toBe('TooManyOrigins');
  });

  test('a single-use token plays once', async () => {
    const once = token({ singleUseUuid: true }).playbackUrl!;
    expect((await get(once)).status).toBe(200);
    expect((await get(once)).refusal).toBe('SingleUseTokenUsed');
    expect((await play({ singleUseUuid: true })).status).toBe(200);
  });

  test('maximum resolution filters the renditions', async () => {
    const hd = await play({ maximumResolution: 'HD' });
    expect(renditionsOf(hd.body)).toEqual(['720p', '480p', '360p', '160p']);
    expect(renditionsOf((await play({ maximumResolution: 'SD' })).body)).toEqual(['480p', '360p', '160p']);
    const fullHdUrl = variantUrls(hd.body)[0].replace('720p', '1080p');
    expect((await get(fullHdUrl)).status).toBe(404);
  });

  test('viewer session revocation refuses the session and, per the variant, later tokens', async () => {
    // GIVEN a viewer watching with version 5
    const watching = await play({ viewerId: 'viewer-1', viewerSessionVersion: 5 });
    expect(watching.status).toBe(200);
    const media = variantUrls(watching.body)[0];

    // WHEN versions up to 0 (the default) are revoked: version 5 plays on
    await ivs.send(new StartViewerSessionRevocationCommand({ channelArn: privateArn, viewerId: 'viewer-1' }));
    await new Promise((resolve) => setTimeout(resolve, options.revocationDelayMs + 10));
    expect((await get(media)).status).toBe(200);

    // WHEN versions up to 10 are revoked
    await ivs.send(new StartViewerSessionRevocationCommand({ channelArn: privateArn, viewerId: 'viewer-1', viewerSessionVersionsLessThanOrEqualTo: 10 }));
    if (options.revocationDelayMs > 0) expect((await get(media)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, options.revocationDelayMs + 10));

    // THEN the session stops
    expect((await get(media)).refusal).toBe('ViewerSessionRevoked');
    // a new token of a revoked version: refused for 'versions', plays for 'sessions-started-before'
    const again = await play({ viewerId: 'viewer-1', viewerSessionVersion: 5 });
    expect(again.status).toBe(options.revocationScope === 'versions' ? 403 : 200);
    // a newer version and other viewers play
    expect((await play({ viewerId: 'viewer-1', viewerSessionVersion: 11 })).status).toBe(200);
    expect((await play({ viewerId: 'viewer-2' })).status).toBe(200);

    // the batch form revokes too
    const second = variantUrls((await play({ viewerId: 'viewer-3' })).body)[0];
    await ivs.send(new BatchStartViewerSessionRevocationCommand({ viewerSessions: [{ channelArn: privateArn, viewerId: 'viewer-3' }] }));
    await new Promise((resolve) => setTimeout(resolve, options.revocationDelayMs + 10));
    expect((await get(second)).refusal).toBe('ViewerSessionRevoked');
  });

  test('an offline channel: 404, before or after the token is checked per the variant', async () => {
    emulator.state.setLive(privateArn, false);
    try {
      const without = await get(privateUrl);
      if (options.offlineCheck === 'before-token') expect([without.status, without.refusal]).toEqual([404, 'ChannelOffline']);
      else expect([without.status, without.refusal]).toEqual([403, 'MissingToken']);
      expect((await play()).refusal).toBe('ChannelOffline');
    } finally {
      emulator.state.setLive(privateArn, true);
    }
    const unknown = await get(`${emulator.url}/api/video/v1/us-east-1.${TEST_ACCOUNT_ID}.channel.doesNotExist1.m3u8`);
    expect([unknown.status, unknown.refusal]).toEqual([404, 'ChannelNotFound']);
  });

  test('key pairs: only those of the channel\'s account and region verify; a deleted or replaced pair\'s tokens are refused', async () => {
    // GIVEN a second pair imported (the quota is 3)
    const next = p384();
    const imported = await ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: next.publicKey.export({ type: 'spki', format: 'pem' }).toString() }));
    const signedWith = (k: KeyObject) => signPlaybackToken({ privateKey: k, channelArn: privateArn, playbackUrl: privateUrl }).playbackUrl!;
    expect((await get(signedWith(next.privateKey))).status).toBe(200);

    // WHEN it is deleted: its tokens are refused, the other pair's still play
    const inFlight = variantUrls((await get(signedWith(next.privateKey))).body)[0];
    await ivs.send(new DeletePlaybackKeyPairCommand({ arn: imported.keyPair!.arn }));
    expect((await get(signedWith(next.privateKey))).refusal).toBe('InvalidSignature');
    expect((await get(signedWith(keys.privateKey))).status).toBe(200);
    // a session that started before: "The token is validated when the viewer initializes playback"
    expect((await get(inFlight)).status).toBe(200);

    // a pair of another region or account does not verify tokens for this channel
    const elsewhere = p384();
    for (const [account, region] of [[TEST_ACCOUNT_ID, 'us-west-2'], ['222222222222', 'us-east-1']]) {
      const arn = `arn:aws:ivs:${region}:${account}:playback-key/elsewhere${region.length}`;
      emulator.state.playbackKeyPairs.set(arn, {
        arn, account, region, name: '', fingerprint: '', publicKeyPem: elsewhere.publicKey.export({ type: 'spki', format: 'pem' }).toString(), tags: {},
      });
    }
    expect((await get(signedWith(elsewhere.privateKey))).refusal).toBe('InvalidSignature');
  });

  test('requests are logged as playback, without the token', async () => {
    emulator.clearLog();
    const { token: jwt, playbackUrl } = token({ viewerId: 'logged' });
    await get(playbackUrl!, { origin: 'https://app.example.com' });
    await get(privateUrl);
    const entries = emulator.calls({ service: 'playback' });
    expect(entries).toEqual([
      expect.objectContaining({ operation: 'GetMultivariantPlaylist', status: 200, arn: privateArn, input: expect.objectContaining({ token: true, origin: 'https://app.example.com' }) }),
      expect.objectContaining({ operation: 'GetMultivariantPlaylist', status: 403, errorType: 'MissingToken', input: expect.objectContaining({ token: false }) }),
    ]);
    expect(JSON.stringify(emulator.log)).not.toContain(jwt.split('.')[2]);
    expect(entries.every((e) => e.principal === undefined)).toBe(true);
  });
});
