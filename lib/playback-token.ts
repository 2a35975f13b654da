/// <reference types="node" />
// Playback tokens for private (`authorized`) IVS channels, for application code: a Lambda or a web
// server that decides who may watch and hands the viewer a signed playback URL. Published as
// `cdk-ivs/playback-token`; not part of the jsii API (lib/index.ts does not export it). It imports
// Node's crypto only: no aws-cdk-lib, no AWS SDK (the app brings its own Secrets Manager client).
//
// Every rule below comes from the IVS user guide, "Generate and Sign IVS Playback Tokens"
// (https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/private-channels-generate-tokens.html),
// cited as [tokens]; ARN and viewer ID shapes from the IVS API reference (Smithy model) as [model].
import { createPrivateKey, KeyObject, randomUUID, sign } from 'crypto';

/** `aws:maximum-resolution`: "SD" | "HD" | "FULL_HD" [tokens]. */
export type PlaybackMaximumResolution = 'SD' | 'HD' | 'FULL_HD';

/** The private half of a playback key pair, parsed and checked (ECDSA P-384). */
export interface PlaybackSigningKey {
  /** The private key. */
  readonly privateKey: KeyObject;
  /** The key pair's ARN, when the key came from a generated PlaybackKeyPair's secret. */
  readonly playbackKeyPairArn?: string;
}

/** What to sign. */
export interface PlaybackTokenOptions {
  /**
   * The private key: PEM (PKCS#8 or SEC1, as `openssl ecparam -genkey` writes it), a KeyObject, the
   * JSON of a generated PlaybackKeyPair's secret (`{ playbackKeyPairArn, publicKey, privateKey }`),
   * or what `PlaybackKeyLoader.load()` returns.
   */
  readonly privateKey: string | KeyObject | PlaybackSigningKey;
  /** `aws:channel-arn`: the private channel, e.g. `arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh`. */
  readonly channelArn: string;
  /** The channel's playback URL; when given, the result's `playbackUrl` is it with `?token=` appended. */
  readonly playbackUrl?: string;
  /**
   * Lifetime of the token in seconds (it only has to last until playback starts: IVS checks it then).
   * At most 600 with `viewerId` or `singleUseUuid`. Give this or `expiresAt`.
   *
   * @default 600
   */
  readonly expiresInSeconds?: number;
  /** `exp` as a date (rounded down to the second), instead of `expiresInSeconds`. */
  readonly expiresAt?: Date;
  /** `aws:access-control-allow-origin`: origins allowed to play, e.g. `https://example.com`, `https://*.example.com`, `*`. @default all origins */
  readonly allowedOrigins?: readonly string[];
  /** `aws:strict-origin-enforcement`: the origin rule applies to every playback request, not only the multivariant playlist. */
  readonly strictOriginEnforcement?: boolean;
  /** `aws:viewer-id` (1 to 40 characters, no personal data): needed to revoke this viewer's session later. */
  readonly viewerId?: string;
  /** `aws:viewer-session-version` (a signed 64-bit integer, with `viewerId` only): revocation can target versions up to N. */
  readonly viewerSessionVersion?: number | bigint;
  /** `aws:single-use-uuid`: `true` for a fresh random UUID, or your own UUID. The token then plays once. */
  readonly singleUseUuid?: string | boolean;
  /** `aws:maximum-resolution`: the viewer gets renditions up to this one. */
  readonly maximumResolution?: PlaybackMaximumResolution;
  /**
   * Allows `*` in the channel ID of `channelArn` (e.g. `.../channel/*`). The user guide does not describe
   * wildcard channel ARNs: IVS may refuse such a token.
   *
   * @default false
   */
  readonly allowChannelArnWildcard?: boolean;
  /** The time the token is signed at. @default now */
  readonly now?: Date;
}

/** The claims of a playback token, as signed. */
export interface PlaybackTokenClaims {
  readonly 'aws:channel-arn': string;
  readonly 'aws:access-control-allow-origin'?: string;
  readonly 'aws:strict-origin-enforcement'?: boolean;
  readonly 'aws:single-use-uuid'?: string;
  readonly 'aws:viewer-id'?: string;
  readonly 'aws:viewer-session-version'?: number | bigint;
  readonly 'aws:maximum-resolution'?: PlaybackMaximumResolution;
  readonly exp: number;
}

/** A signed token. */
export interface PlaybackToken {
  /** The JWT: `base64url(header).base64url(payload).base64url(signature)`. */
  readonly token: string;
  /** `playbackUrl` with `token=<token>` appended, when a playback URL was given. */
  readonly playbackUrl?: string;
  readonly expiresAt: Date;
  readonly claims: PlaybackTokenClaims;
}

/** "the maximum value for the exp claim is 10 minutes in the future" with a viewer ID or single-use UUID [tokens]. */
export const MAX_TRACKED_TOKEN_LIFETIME_SECONDS = 600;

/** "If strict-origin-enforcement is true, at most 5 domains may be specified" [tokens]. */
export const MAX_STRICT_ORIGINS = 5;

const DEFAULT_LIFETIME_SECONDS = 600;
/** [model] ChannelArn pattern (a wildcard form is opt-in, see allowChannelArnWildcard). */
const CHANNEL_ARN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel\/[a-zA-Z0-9-]+$/;
const CHANNEL_ARN_WILDCARD = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel\/[a-zA-Z0-9*-]+$/;
/** [model] ViewerId: length 1 to 40; [tokens] "The maximum length is 40 characters". */
const MAX_VIEWER_ID = 40;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An origin (scheme://host[:port]) whose hostname may begin with `*` [tokens], or `*` alone (the guide's Node.js example). */
const ORIGIN = /^(\*|[a-z][a-z0-9+.-]*:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?)$/i;
const INT64_MIN = -(BigInt(2) ** BigInt(63));
const INT64_MAX = BigInt(2) ** BigInt(63) - BigInt(1);
const RESOLUTIONS: readonly string[] = ['SD', 'HD', 'FULL_HD'];
/** The playback URL's file name: `<region>.<account>.channel.<id>.m3u8` (optionally after `aws.ivs.`). */
const PLAYBACK_PATH = /\/api\/video\/v1\/(?:aws\.ivs\.)?([a-z0-9-]+)\.([0-9]+)\.channel\.([a-zA-Z0-9-]+)\.m3u8$/;

/** A bad input; the message names the option and never contains key material. */
export class PlaybackTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaybackTokenError';
  }
}

function fail(message: string): never {
  throw new PlaybackTokenError(`playback token: ${message}`);
}

/**
 * Signs an IVS playback token (ES384 JWT) and, with `playbackUrl`, returns the URL a player loads.
 * Refuses what IVS would refuse: a key that is not P-384, a channel ARN of the wrong shape, an expiry in
 * the past or beyond the limits, a viewer ID over 40 characters, and so on.
 */
export function signPlaybackToken(options: PlaybackTokenOptions): PlaybackToken {
  const key = toSigningKey(options.privateKey);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) fail('now is not a valid date');
  const claims = buildClaims(options, now);
  // [tokens] header: { "alg": "ES384", "typ": "JWT" }; signature: ECDSASHA384(base64UrlEncode(header) + "." + base64UrlEncode(payload)).
  const header = base64url(JSON.stringify({ alg: 'ES384', typ: 'JWT' }));
  const payload = base64url(claimsJson(claims));
  // JWS (RFC 7518 §3.4) carries ECDSA signatures as R || S, not DER.
  const signature = sign('sha384', Buffer.from(`${header}.${payload}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  const token = `${header}.${payload}.${base64url(signature)}`;
  return {
    token,
    playbackUrl: options.playbackUrl === undefined ? undefined : withToken(options.playbackUrl, token, claims['aws:channel-arn']),
    expiresAt: new Date(claims.exp * 1000),
    claims,
  };
}

/** The playback URL with `token=<token>` appended as a query parameter ([tokens] "Instructions", step 3). */
export function playbackUrlWithToken(playbackUrl: string, token: string): string {
  let url: URL;
  try {
    url = new URL(playbackUrl);
  } catch {
    return fail(`playbackUrl is not a URL: '${playbackUrl}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`playbackUrl must be an https URL, got '${url.protocol}'`);
  if (!url.pathname.endsWith('.m3u8')) fail(`playbackUrl must end in .m3u8 (a channel's playback URL), got '${url.pathname}'`);
  url.searchParams.set('token', token);
  return url.toString();
}

function withToken(playbackUrl: string, token: string, channelArn: string): string {
  const m = PLAYBACK_PATH.exec(new URL(playbackUrlWithToken(playbackUrl, '')).pathname);
  if (m && !channelArn.includes('*')) {
    const urlArn = `arn:aws:ivs:${m[1]}:${m[2]}:channel/${m[3]}`;
    if (urlArn !== channelArn) fail(`playbackUrl is the playback URL of ${urlArn}, but channelArn is ${channelArn}`);
  }
  return playbackUrlWithToken(playbackUrl, token);
}

function buildClaims(o: PlaybackTokenOptions, now: Date): PlaybackTokenClaims {
  const arnPattern = o.allowChannelArnWildcard ? CHANNEL_ARN_WILDCARD : CHANNEL_ARN;
  if (typeof o.channelArn !== 'string' || !arnPattern.test(o.channelArn) || o.channelArn.length > 128) {
    const wildcard = !o.allowChannelArnWildcard && typeof o.channelArn === 'string' && o.channelArn.includes('*');
    const hint = wildcard ? ' (wildcards need allowChannelArnWildcard)' : '';
    fail(`channelArn must be a channel ARN (arn:aws:ivs:<region>:<account>:channel/<id>), got '${String(o.channelArn)}'${hint}`);
  }

  const exp = expiry(o, now);
  const tracked = o.viewerId !== undefined ? 'viewerId' : (o.singleUseUuid !== undefined && o.singleUseUuid !== false ? 'singleUseUuid' : undefined);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (exp <= nowSeconds) fail(`the token would expire at ${iso(exp)}, not after now (${iso(nowSeconds)}): the expiry is in the past`);
  if (tracked && exp - nowSeconds > MAX_TRACKED_TOKEN_LIFETIME_SECONDS) {
    fail(`with ${tracked}, IVS allows exp at most ${MAX_TRACKED_TOKEN_LIFETIME_SECONDS} s (10 minutes) in the future; `
      + `got ${exp - nowSeconds} s (until ${iso(exp)})`);
  }

  let origins: string | undefined;
  if (o.allowedOrigins !== undefined) {
    if (o.allowedOrigins.length === 0) fail('allowedOrigins is empty; leave it out to allow every origin');
    for (const origin of o.allowedOrigins) {
      if (typeof origin !== 'string' || !ORIGIN.test(origin)) {
        fail(`allowedOrigins: '${String(origin)}' is not an origin (scheme://host[:port], the hostname may begin with '*.'), or '*'`);
      }
    }
    if (o.strictOriginEnforcement && o.allowedOrigins.length > MAX_STRICT_ORIGINS) {
      fail(`with strictOriginEnforcement, IVS allows at most ${MAX_STRICT_ORIGINS} origins; got ${o.allowedOrigins.length}`);
    }
    // [tokens] "This field may contain multiple origins, separated by commas."
    origins = o.allowedOrigins.join(',');
  }

  if (o.viewerId !== undefined && (typeof o.viewerId !== 'string' || o.viewerId.length < 1 || o.viewerId.length > MAX_VIEWER_ID)) {
    const got = typeof o.viewerId === 'string' ? `${o.viewerId.length} characters` : typeof o.viewerId;
    fail(`viewerId must be a string of 1 to ${MAX_VIEWER_ID} characters, got ${got}`);
  }
  if (o.viewerSessionVersion !== undefined) {
    // [tokens] "meant to be provided (optionally) alongside viewer-id; it does nothing on its own."
    if (o.viewerId === undefined) fail('viewerSessionVersion does nothing without viewerId (IVS revokes sessions by viewer ID)');
    checkInt64(o.viewerSessionVersion);
  }

  let singleUse: string | undefined;
  if (o.singleUseUuid === true) singleUse = randomUUID();
  else if (typeof o.singleUseUuid === 'string') {
    if (!UUID.test(o.singleUseUuid)) fail(`singleUseUuid must be a UUID (8-4-4-4-12 hex digits), got '${o.singleUseUuid}'`);
    singleUse = o.singleUseUuid;
  } else if (o.singleUseUuid !== undefined && o.singleUseUuid !== false) fail('singleUseUuid must be true, false or a UUID string');

  if (o.maximumResolution !== undefined && !RESOLUTIONS.includes(o.maximumResolution)) {
    fail(`maximumResolution must be one of ${RESOLUTIONS.join(', ')}, got '${String(o.maximumResolution)}'`);
  }

  // The guide's order of the payload's fields.
  const claims: { [claim: string]: unknown } = { 'aws:channel-arn': o.channelArn };
  if (origins !== undefined) claims['aws:access-control-allow-origin'] = origins;
  if (o.strictOriginEnforcement !== undefined) claims['aws:strict-origin-enforcement'] = o.strictOriginEnforcement;
  if (singleUse !== undefined) claims['aws:single-use-uuid'] = singleUse;
  if (o.viewerId !== undefined) claims['aws:viewer-id'] = o.viewerId;
  if (o.viewerSessionVersion !== undefined) claims['aws:viewer-session-version'] = o.viewerSessionVersion;
  if (o.maximumResolution !== undefined) claims['aws:maximum-resolution'] = o.maximumResolution;
  claims.exp = exp;
  return claims as unknown as PlaybackTokenClaims;
}

/** `exp` in whole seconds: [tokens] "a Unix UTC timestamp … Enter this value as an integer type value" (seconds, not milliseconds). */
function expiry(o: PlaybackTokenOptions, now: Date): number {
  if (o.expiresAt !== undefined && o.expiresInSeconds !== undefined) fail('give expiresInSeconds or expiresAt, not both');
  if (o.expiresAt !== undefined) {
    if (!(o.expiresAt instanceof Date) || Number.isNaN(o.expiresAt.getTime())) fail('expiresAt is not a valid date');
    return Math.floor(o.expiresAt.getTime() / 1000);
  }
  const seconds = o.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    fail(`expiresInSeconds must be a positive number of seconds, got ${String(seconds)}: the expiry would be in the past`);
  }
  return Math.floor(now.getTime() / 1000 + seconds);
}

/** [tokens] viewer-session-version: "The value must be a 64-bit signed integer (Int64)." */
function checkInt64(v: number | bigint): void {
  const ok = typeof v === 'bigint' ? v >= INT64_MIN && v <= INT64_MAX : Number.isSafeInteger(v);
  if (!ok) fail(`viewerSessionVersion must be a 64-bit signed integer (a safe integer number, or a bigint), got ${String(v)}`);
}

/** JSON of the claims; a bigint version is written as a JSON integer (JSON.stringify refuses bigints). */
function claimsJson(claims: PlaybackTokenClaims): string {
  const version = claims['aws:viewer-session-version'];
  if (typeof version !== 'bigint') return JSON.stringify(claims);
  const marker = `__int64_${randomUUID()}__`;
  return JSON.stringify({ ...claims, 'aws:viewer-session-version': marker }).replace(`"${marker}"`, version.toString());
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * Parses a playback private key: PEM, a KeyObject, or the JSON of a generated PlaybackKeyPair's secret.
 * Refuses anything but an ECDSA P-384 private key ("ES384, an ECDSA signature algorithm that uses the
 * SHA-384 hash algorithm" [tokens]; IVS imports P-384 public keys).
 */
export function parsePlaybackPrivateKey(input: string | KeyObject | PlaybackSigningKey): PlaybackSigningKey {
  return toSigningKey(input);
}

function toSigningKey(input: string | KeyObject | PlaybackSigningKey): PlaybackSigningKey {
  if (input instanceof KeyObject) return { privateKey: checkKey(input, 'privateKey') };
  if (typeof input === 'object' && input !== null && (input as PlaybackSigningKey).privateKey instanceof KeyObject) {
    const k = input as PlaybackSigningKey;
    return { privateKey: checkKey(k.privateKey, 'privateKey'), playbackKeyPairArn: k.playbackKeyPairArn };
  }
  if (typeof input !== 'string') return fail(`privateKey must be a PEM string, a KeyObject or a key pair secret's JSON, got ${typeof input}`);
  const text = input.trim();
  if (text.startsWith('{')) return fromSecretJson(text);
  return { privateKey: checkKey(pemKey(text, 'privateKey'), 'privateKey') };
}

function fromSecretJson(text: string): PlaybackSigningKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not echoed: the text may hold the key.
    return fail('privateKey looks like JSON but does not parse; expected the secret of a generated PlaybackKeyPair');
  }
  const secret = parsed as { privateKey?: unknown; playbackKeyPairArn?: unknown };
  if (typeof secret !== 'object' || secret === null || typeof secret.privateKey !== 'string') {
    const fields = typeof secret === 'object' && secret !== null ? Object.keys(secret).join(', ') : typeof secret;
    return fail(`the key pair secret has no privateKey field (fields: ${fields || 'none'}); is it the secret of a generated PlaybackKeyPair?`);
  }
  const arn = typeof secret.playbackKeyPairArn === 'string' ? secret.playbackKeyPairArn : undefined;
  return { privateKey: checkKey(pemKey(secret.privateKey, 'the secret\'s privateKey'), 'the secret\'s privateKey'), playbackKeyPairArn: arn };
}

function pemKey(pem: string, what: string): KeyObject {
  if (/-----BEGIN (RSA |EC )?PUBLIC KEY-----/.test(pem)) fail(`${what} is a public key; tokens are signed with the private key of the pair`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) fail(`${what} is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)`);
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return fail(`${what} is not a readable PEM private key (encrypted keys are not supported)`);
  }
}

function checkKey(key: KeyObject, what: string): KeyObject {
  if (key.type !== 'private') fail(`${what} is a ${key.type} key; tokens are signed with the private key of the pair`);
  if (key.asymmetricKeyType !== 'ec') fail(`${what} is an ${key.asymmetricKeyType ?? 'unknown'} key; IVS playback keys are ECDSA P-384 (secp384r1)`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'secp384r1') fail(`${what} is an EC key on ${curve ?? 'an unknown curve'}, not P-384 (secp384r1) as ES384 needs`);
  return key;
}

// ---------------------------------------------------------------------------------------------
// The key pair's secret, read with the app's own Secrets Manager client

/** Options of a PlaybackKeyLoader. */
export interface PlaybackKeyLoaderOptions {
  /** ARN or name of the secret (a generated PlaybackKeyPair's `secret`, or one of yours holding a PEM or the same JSON). */
  readonly secretId: string;
  /**
   * Reads the secret's SecretString with your client, e.g.
   * `async (SecretId) => (await client.send(new GetSecretValueCommand({ SecretId }))).SecretString`.
   */
  readonly getSecretString: (secretId: string) => Promise<string | undefined>;
  /**
   * How long a key read is reused (warm invocations make no call). After a key pair rotation, tokens
   * are signed with the old key for at most this long.
   *
   * @default 300
   */
  readonly maxAgeSeconds?: number;
  /** Clock in milliseconds (tests). @default Date.now */
  readonly clock?: () => number;
}

/**
 * Reads and caches the playback private key from Secrets Manager. Create it once per process (at
 * module scope in a Lambda): concurrent `load()` calls share one read, a failed read is not cached.
 */
export class PlaybackKeyLoader {
  private cached?: { readonly key: PlaybackSigningKey; readonly at: number };
  private pending?: Promise<PlaybackSigningKey>;
  private readonly maxAgeMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: PlaybackKeyLoaderOptions) {
    if (typeof options.secretId !== 'string' || options.secretId === '') fail('secretId must be the ARN or name of the key pair secret');
    if (typeof options.getSecretString !== 'function') fail('getSecretString must be a function that reads the secret with your Secrets Manager client');
    const maxAge = options.maxAgeSeconds ?? 300;
    if (!Number.isFinite(maxAge) || maxAge < 0) fail(`maxAgeSeconds must be 0 or more, got ${String(maxAge)}`);
    this.maxAgeMs = maxAge * 1000;
    this.clock = options.clock ?? Date.now;
  }

  /** The key: from the cache while it is fresh, else read from the secret. */
  public async load(): Promise<PlaybackSigningKey> {
    if (this.cached && this.clock() - this.cached.at < this.maxAgeMs) return this.cached.key;
    if (!this.pending) {
      this.pending = this.read().then(
        (key) => {
          this.cached = { key, at: this.clock() };
          this.pending = undefined;
          return key;
        },
        (error: unknown) => {
          this.pending = undefined;
          throw error;
        },
      );
    }
    return this.pending;
  }

  /** Forgets the cached key: the next `load()` reads the secret. */
  public invalidate(): void {
    this.cached = undefined;
  }

  /** Loads the key and signs a token with it. */
  public async sign(options: Omit<PlaybackTokenOptions, 'privateKey'>): Promise<PlaybackToken> {
    return signPlaybackToken({ ...options, privateKey: await this.load() });
  }

  private async read(): Promise<PlaybackSigningKey> {
    const value = await this.options.getSecretString(this.options.secretId);
    if (typeof value !== 'string' || value === '') fail(`secret ${this.options.secretId} has no SecretString (was the key pair deployed?)`);
    try {
      return toSigningKey(value);
    } catch (error) {
      throw new PlaybackTokenError(`${(error as Error).message} (secret ${this.options.secretId})`);
    }
  }
}
