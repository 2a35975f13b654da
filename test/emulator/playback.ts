// The playback edge: what a viewer's player meets at a channel's playback URL
// (`https://<prefix>.<region>.playback.live-video.net/api/video/v1/<region>.<account>.channel.<id>.m3u8`).
// The emulator cannot own that host, so it serves the same path on its own endpoint, unsigned (viewers
// do not sign requests); `toEmulatorPlaybackUrl` maps one URL to the other.
//
// Sources, cited beside each rule:
//   [private]  IVS user guide, "Setting Up Private Channels"
//   [tokens]   IVS user guide, "Generate and Sign IVS Playback Tokens"
//   [keys]     IVS user guide, "Create or Import an IVS Playback Key"
//   [revoke]   IVS user guide, "Revoke IVS Viewer Sessions"; API reference, StartViewerSessionRevocation
//   [player]   IVS Player SDK reference, PlayerException / ErrorType (403 and 404 of the multivariant playlist)
// Where they are silent, PlaybackEdgeOptions has one value per plausible behaviour, and the tests run
// under each (PLAYBACK_EDGE_VARIANTS). Refusal bodies and the `x-emulator-refusal` header are the
// emulator's own words (IVS documents only the status codes).
import { createPublicKey, KeyObject, randomUUID, verify } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { ChannelRecord, EmulatorState } from './state';

export interface PlaybackEdgeOptions {
  /**
   * Seconds a token is still accepted after its `exp` (and how far the 10-minute limit stretches).
   * [tokens] defines exp but states no tolerance. @default 0
   */
  readonly clockSkewSeconds?: number;
  /**
   * How the token may travel. [tokens] "Append the signed token to the playback URL as a query parameter"
   * (`?token=`); whether the edge also reads `Authorization: Bearer <token>` is not documented. @default 'query'
   */
  readonly tokenTransport?: 'query' | 'query-or-header';
  /**
   * Whether `aws:channel-arn` may hold `*` wildcards in the channel ID (e.g. `…:channel/*`). [tokens] calls
   * it "a reference for the video-playback request" and says nothing of wildcards. @default false
   */
  readonly channelArnWildcards?: boolean;
  /**
   * What a browser request (with an Origin header) from an origin the token does not allow gets, without
   * strict enforcement. [tokens] "this restricts only the browser client": a 403, or a 200 without the
   * CORS header (the browser then refuses the answer). @default 'forbidden'
   */
  readonly originMismatch?: 'forbidden' | 'no-cors';
  /**
   * What `https://*.example.com` matches. [tokens] "each origin may begin its hostname with *": any
   * subdomain depth, or exactly one label. @default 'any'
   */
  readonly originWildcardDepth?: 'any' | 'one-label';
  /**
   * For an authorized channel that is offline: 404 before the token is looked at, or only after a valid
   * token. [player] names both codes, not their order. @default 'before-token'
   */
  readonly offlineCheck?: 'before-token' | 'after-token';
  /**
   * What a revocation covers. [revoke] "revoke the viewer session associated with an auth token, to prevent
   * and stop playback using that token", filtered by version ("All versions less than or equal to the
   * specified version will be revoked"). 'versions': every token of that viewer and version, also later
   * ones; 'sessions-started-before': only sessions that started before the revocation. @default 'versions'
   */
  readonly revocationScope?: 'versions' | 'sessions-started-before';
  /** [revoke] "Starts the process of revoking": how long the process takes is not documented. @default 0 */
  readonly revocationDelayMs?: number;
}

export type ResolvedPlaybackEdgeOptions = Required<PlaybackEdgeOptions>;

export const DEFAULT_PLAYBACK_EDGE_OPTIONS: ResolvedPlaybackEdgeOptions = {
  clockSkewSeconds: 0,
  tokenTransport: 'query',
  channelArnWildcards: false,
  originMismatch: 'forbidden',
  originWildcardDepth: 'any',
  offlineCheck: 'before-token',
  revocationScope: 'versions',
  revocationDelayMs: 0,
};

/** The defaults, then each undocumented behaviour switched to its other plausible value, one at a time. */
export const PLAYBACK_EDGE_VARIANTS: readonly { readonly name: string; readonly options: ResolvedPlaybackEdgeOptions }[] = [
  { name: 'defaults', options: DEFAULT_PLAYBACK_EDGE_OPTIONS },
  { name: 'clock skew 60 s', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, clockSkewSeconds: 60 } },
  { name: 'token in a header too', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, tokenTransport: 'query-or-header' } },
  { name: 'channel ARN wildcards', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, channelArnWildcards: true } },
  { name: 'origin mismatch without CORS', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, originMismatch: 'no-cors' } },
  { name: 'origin wildcard one label', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, originWildcardDepth: 'one-label' } },
  { name: 'offline after token', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, offlineCheck: 'after-token' } },
  { name: 'revocation of earlier sessions only', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, revocationScope: 'sessions-started-before' } },
  { name: 'revocation after 50 ms', options: { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, revocationDelayMs: 50 } },
];

/** Why the edge refused (the emulator's codes). */
export type PlaybackRefusal =
  | 'ChannelNotFound' | 'ChannelOffline' | 'SessionNotFound' | 'MissingToken' | 'MalformedToken' | 'UnsupportedAlgorithm'
  | 'InvalidSignature' | 'ChannelMismatch' | 'MissingExpiry' | 'TokenExpired' | 'ExpiryTooFar' | 'InvalidViewerId'
  | 'InvalidSingleUseUuid' | 'SingleUseTokenUsed' | 'InvalidMaximumResolution' | 'TooManyOrigins' | 'OriginNotAllowed'
  | 'OriginRequired' | 'ViewerSessionRevoked';

export type PlaybackResource = 'GetMultivariantPlaylist' | 'GetVariantPlaylist' | 'GetSegment';

export interface PlaybackAnswer {
  readonly status: number;
  readonly headers: { readonly [name: string]: string };
  readonly body: string | Buffer;
  readonly resource: PlaybackResource;
  readonly channelArn?: string;
  readonly refusal?: PlaybackRefusal;
}

export interface PlaybackRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** The emulator's own URL, for the variant playlists' addresses. */
  readonly baseUrl: string;
}

/** A playback session: started by a multivariant playlist answered with a valid token. */
interface Session {
  readonly id: string;
  readonly channelArn: string;
  readonly viewerId?: string;
  readonly version: number;
  readonly origins?: readonly string[];
  readonly strict: boolean;
  readonly renditions: readonly Rendition[];
  readonly startedAt: number;
}

/** What a successful request answers. */
interface Served {
  readonly body: string | Buffer;
  readonly type: string;
  readonly headers?: { [k: string]: string };
  readonly channelArn: string;
}

interface Rendition {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly bandwidth: number;
}

/**
 * Placeholder renditions (not IVS's ladder, which depends on the channel type and preset): enough to
 * show `aws:maximum-resolution`: [tokens] "setting this field to HD means the viewer will receive a
 * resolution less than or equal to HD" (SD 480p, HD 720p, FULL_HD 1080p, as the API's MaximumResolution).
 */
const LADDER: readonly Rendition[] = [
  { name: '1080p', width: 1920, height: 1080, bandwidth: 8_500_000 },
  { name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 },
  { name: '480p', width: 852, height: 480, bandwidth: 1_500_000 },
  { name: '360p', width: 640, height: 360, bandwidth: 630_000 },
  { name: '160p', width: 284, height: 160, bandwidth: 230_000 },
];
const MAX_HEIGHT: { readonly [resolution: string]: number } = { SD: 480, HD: 720, FULL_HD: 1080 };

const PREFIX = '/api/video/v1/';
/** `<region>.<account>.channel.<id>.m3u8`; the guide's examples also show an `aws.ivs.` prefix. */
const MULTIVARIANT = /^\/api\/video\/v1\/(?:aws\.ivs\.)?([a-z0-9-]+)\.([0-9]+)\.channel\.([a-zA-Z0-9-]+)\.m3u8$/;
const VARIANT = /^\/api\/video\/v1\/emulator-session\/([0-9a-f-]{36})\/([0-9a-z]+)\.m3u8$/;
const SEGMENT = /^\/api\/video\/v1\/emulator-session\/([0-9a-f-]{36})\/([0-9a-z]+)\/([0-9]+)\.ts$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** [tokens] "the maximum value for the exp claim is 10 minutes in the future" (viewer-id, single-use-uuid). */
const MAX_TRACKED_LIFETIME_SECONDS = 600;
/** [tokens] "If strict-origin-enforcement is true, at most 5 domains may be specified". */
const MAX_STRICT_ORIGINS = 5;
/** [tokens] viewer-id: "The maximum length is 40 characters". */
const MAX_VIEWER_ID = 40;

/** A GET or HEAD of `/api/video/v1/...`: a viewer's request, served without SigV4. */
export function isPlaybackRequest(method: string | undefined, rawPath: string): boolean {
  return (method === 'GET' || method === 'HEAD') && rawPath.startsWith(PREFIX);
}

/** The emulator's address of an IVS playback URL (same path and query, the emulator's origin). */
export function toEmulatorPlaybackUrl(playbackUrl: string, emulatorUrl: string): string {
  const url = new URL(playbackUrl);
  if (!url.pathname.startsWith(PREFIX)) throw new Error(`emulator: not a playback URL: ${url.origin}${url.pathname}`);
  return `${emulatorUrl}${url.pathname}${url.search}`;
}

class Refused extends Error {
  constructor(readonly status: number, readonly refusal: PlaybackRefusal, message: string) {
    super(message);
  }
}

export class PlaybackEdge {
  /** Current behaviour; assign to switch (e.g. between PLAYBACK_EDGE_VARIANTS). */
  options: ResolvedPlaybackEdgeOptions;
  private readonly sessions = new Map<string, Session>();
  private readonly usedSingleUse = new Set<string>();

  constructor(private readonly state: EmulatorState, options: PlaybackEdgeOptions = {}, private readonly clock: () => Date = () => new Date()) {
    this.options = { ...DEFAULT_PLAYBACK_EDGE_OPTIONS, ...options };
  }

  /** Forgets sessions and used single-use tokens. */
  reset(): void {
    this.sessions.clear();
    this.usedSingleUse.clear();
  }

  serve(req: PlaybackRequest): PlaybackAnswer {
    this.state.advanceStreams();
    const head = req.method === 'HEAD';
    let m = MULTIVARIANT.exec(req.rawPath);
    if (m) return this.answer(head, 'GetMultivariantPlaylist', () => this.multivariant(req, m![1], m![2], m![3]));
    m = VARIANT.exec(req.rawPath);
    if (m) return this.answer(head, 'GetVariantPlaylist', () => this.variant(req, m![1], m![2]));
    m = SEGMENT.exec(req.rawPath);
    if (m) return this.answer(head, 'GetSegment', () => this.segment(req, m![1], m![2], Number(m![3])));
    return this.answer(head, 'GetMultivariantPlaylist', () => {
      throw new Refused(404, 'ChannelNotFound', `No playback URL ${req.rawPath}`);
    });
  }

  private answer(head: boolean, resource: PlaybackResource, run: () => Served): PlaybackAnswer {
    try {
      const r = run();
      return { status: 200, resource, channelArn: r.channelArn, headers: { 'Content-Type': r.type, ...r.headers }, body: head ? '' : r.body };
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      return {
        status: e.status,
        resource,
        refusal: e.refusal,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'x-emulator-refusal': e.refusal },
        body: head ? '' : `${e.refusal}: ${e.message}`,
      };
    }
  }

  // --- the multivariant playlist: where the token is checked ----------------------------------

  private multivariant(req: PlaybackRequest, region: string, account: string, id: string) {
    const arn = `arn:aws:ivs:${region}:${account}:channel/${id}`;
    const channel = this.state.channels.get(arn);
    // [player] 404: "The stream is invalid (e.g., the playback URL is incorrect) or not online."
    if (!channel) throw new Refused(404, 'ChannelNotFound', `No channel ${arn}`);
    const offline = () => {
      if (!channel.live) throw new Refused(404, 'ChannelOffline', `Channel ${arn} is not live`);
    };
    if (!channel.authorized) {
      // [private] only a channel with authorization enabled asks for a token; browsers may play it from anywhere.
      offline();
      return this.startSession(req, channel, { cors: typeof req.headers.origin === 'string' ? '*' : undefined });
    }
    if (this.options.offlineCheck === 'before-token') offline();
    // [private] "if the channel has authorization enabled, Amazon IVS verifies that the viewer has a valid
    // playback token in the request"; [player] 403: "viewer authorization is missing or invalid".
    const claims = this.verifyToken(req, channel);
    if (this.options.offlineCheck === 'after-token') offline();
    const origins = originsOf(claims);
    const strict = claims['aws:strict-origin-enforcement'] === true;
    const cors = this.checkOrigin(req, origins, strict);
    const singleUse = claims['aws:single-use-uuid'] as string | undefined;
    const viewerId = claims['aws:viewer-id'] as string | undefined;
    const version = typeof claims['aws:viewer-session-version'] === 'number' ? claims['aws:viewer-session-version'] : 0;
    if (viewerId !== undefined && this.revoked(channel.arn, viewerId, version, Date.now())) {
      throw new Refused(403, 'ViewerSessionRevoked', `The viewer session of ${viewerId} (version ${version}) on ${channel.arn} is revoked`);
    }
    if (singleUse !== undefined) {
      // [tokens] single-use-uuid: "the associated token … is invalidated once it is used to fetch a multivariant playlist".
      const key = `${channel.account} ${singleUse.toLowerCase()}`;
      if (this.usedSingleUse.has(key)) throw new Refused(403, 'SingleUseTokenUsed', `The single-use token ${singleUse} was already used`);
      this.usedSingleUse.add(key);
    }
    const max = claims['aws:maximum-resolution'] as string | undefined;
    return this.startSession(req, channel, { viewerId, version, origins, strict, cors, maxHeight: max === undefined ? undefined : MAX_HEIGHT[max] });
  }

  private startSession(req: PlaybackRequest, channel: ChannelRecord,
    s: { viewerId?: string; version?: number; origins?: readonly string[]; strict?: boolean; cors?: string; maxHeight?: number }) {
    const renditions = LADDER.filter((r) => s.maxHeight === undefined || r.height <= s.maxHeight);
    const session: Session = {
      id: randomUUID(),
      channelArn: channel.arn,
      viewerId: s.viewerId,
      version: s.version ?? 0,
      origins: s.origins,
      strict: s.strict ?? false,
      renditions,
      startedAt: Date.now(),
    };
    this.sessions.set(session.id, session);
    const lines = ['#EXTM3U', '#EXT-X-INDEPENDENT-SEGMENTS'];
    for (const r of renditions) {
      lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},RESOLUTION=${r.width}x${r.height},NAME="${r.name}"`);
      lines.push(`${req.baseUrl}${PREFIX}emulator-session/${session.id}/${r.name}.m3u8`);
    }
    return { body: `${lines.join('\n')}\n`, type: 'application/vnd.apple.mpegurl', headers: corsHeaders(s.cors), channelArn: channel.arn };
  }

  private verifyToken(req: PlaybackRequest, channel: ChannelRecord): { [claim: string]: unknown } {
    const token = this.tokenOf(req);
    if (!token) throw new Refused(403, 'MissingToken', `Channel ${channel.arn} is private: a playback token is required`);
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
      throw new Refused(403, 'MalformedToken', 'The token is not a JWT (three base64url parts)');
    }
    const header = decodeJson(parts[0]);
    const claims = decodeJson(parts[1]);
    if (!header || !claims) throw new Refused(403, 'MalformedToken', 'The token\'s header or payload is not JSON');
    // [tokens] "alg is the signing algorithm. This is ES384".
    if (header.alg !== 'ES384') throw new Refused(403, 'UnsupportedAlgorithm', `The token is signed with ${String(header.alg)}, not ES384`);
    // [private] / [keys] IVS verifies the signature with the public keys imported as playback key pairs of the
    // channel's account and region; a deleted pair no longer verifies anything ("you must delete the existing
    // playback key and import a new key").
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], 'base64url');
    const keys = [...this.state.playbackKeyPairs.values()].filter((p) => p.account === channel.account && p.region === channel.region);
    if (!keys.some((p) => verifies(signed, signature, publicKey(p.publicKeyPem)))) {
      throw new Refused(403, 'InvalidSignature', `No playback key pair of ${channel.account} in ${channel.region} verifies the token's signature`);
    }
    // [tokens] channel-arn "is a reference for the video-playback request".
    const claimed = claims['aws:channel-arn'];
    if (typeof claimed !== 'string' || !this.arnMatches(claimed, channel.arn)) {
      throw new Refused(403, 'ChannelMismatch', `The token is for ${String(claimed)}, not ${channel.arn}`);
    }
    // [tokens] exp "is a Unix UTC timestamp for when the token expires … The token is validated when the
    // viewer initializes playback, not throughout the stream."
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new Refused(403, 'MissingExpiry', 'The token has no numeric exp claim');
    const now = this.clock().getTime() / 1000;
    const skew = this.options.clockSkewSeconds;
    if (now > exp + skew) throw new Refused(403, 'TokenExpired', `The token expired at ${new Date(exp * 1000).toISOString()}`);
    const viewerId = claims['aws:viewer-id'];
    const singleUse = claims['aws:single-use-uuid'];
    if (viewerId !== undefined && (typeof viewerId !== 'string' || viewerId.length < 1 || viewerId.length > MAX_VIEWER_ID)) {
      throw new Refused(403, 'InvalidViewerId', `aws:viewer-id must be a string of at most ${MAX_VIEWER_ID} characters`);
    }
    if (singleUse !== undefined && (typeof singleUse !== 'string' || !UUID.test(singleUse))) {
      throw new Refused(403, 'InvalidSingleUseUuid', 'aws:single-use-uuid must be a UUID');
    }
    if ((viewerId !== undefined || singleUse !== undefined) && exp > now + MAX_TRACKED_LIFETIME_SECONDS + skew) {
      throw new Refused(403, 'ExpiryTooFar', 'With aws:viewer-id or aws:single-use-uuid, exp may be at most 10 minutes in the future');
    }
    const max = claims['aws:maximum-resolution'];
    if (max !== undefined && (typeof max !== 'string' || !(max in MAX_HEIGHT))) {
      throw new Refused(403, 'InvalidMaximumResolution', 'aws:maximum-resolution must be SD, HD or FULL_HD');
    }
    const origins = originsOf(claims);
    if (claims['aws:strict-origin-enforcement'] === true && origins && origins.length > MAX_STRICT_ORIGINS) {
      throw new Refused(403, 'TooManyOrigins', `With aws:strict-origin-enforcement, at most ${MAX_STRICT_ORIGINS} origins`);
    }
    return claims;
  }

  private tokenOf(req: PlaybackRequest): string | undefined {
    const query = new URLSearchParams(req.rawQuery).get('token');
    if (query) return query;
    if (this.options.tokenTransport === 'query-or-header') {
      const auth = req.headers.authorization;
      const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
      if (m) return m[1];
    }
    return undefined;
  }

  private arnMatches(claimed: string, arn: string): boolean {
    if (claimed === arn) return true;
    if (!this.options.channelArnWildcards || !claimed.includes('*')) return false;
    const [prefix, id] = [claimed.slice(0, claimed.lastIndexOf('/') + 1), claimed.slice(claimed.lastIndexOf('/') + 1)];
    if (!arn.startsWith(prefix) || prefix.includes('*')) return false;
    const pattern = new RegExp(`^${id.split('*').map(escapeRegExp).join('[A-Za-z0-9-]*')}$`);
    return pattern.test(arn.slice(prefix.length));
  }

  /**
   * [tokens] access-control-allow-origin: "restrict playback to a specified origin … this restricts only the
   * browser client" and by default "applies only to the multivariant playlist"; strict-origin-enforcement: "the
   * server will enforce a requirement that the requesting origin matches the token for all playback requests
   * … all clients (including non-browser clients) will have to provide a valid origin-request header".
   * Returns the Access-Control-Allow-Origin value, if any.
   */
  private checkOrigin(req: PlaybackRequest, origins: readonly string[] | undefined, strict: boolean): string | undefined {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (origin === undefined) {
      if (strict) throw new Refused(403, 'OriginRequired', 'With aws:strict-origin-enforcement, every request needs an Origin header');
      return undefined;
    }
    if (origins === undefined || origins.some((o) => this.originMatches(o, origin))) return origins === undefined ? '*' : origin;
    if (strict || this.options.originMismatch === 'forbidden') {
      throw new Refused(403, 'OriginNotAllowed', `Origin ${origin} is not allowed by the token (${origins.join(',')})`);
    }
    return undefined;
  }

  private originMatches(allowed: string, origin: string): boolean {
    if (allowed === '*' || allowed.toLowerCase() === origin.toLowerCase()) return true;
    const m = /^([a-z][a-z0-9+.-]*:\/\/)\*\.(.+)$/i.exec(allowed);
    if (!m) return false;
    const [scheme, rest] = [m[1].toLowerCase(), m[2].toLowerCase()];
    const o = origin.toLowerCase();
    if (!o.startsWith(scheme) || !o.endsWith(`.${rest}`)) return false;
    const label = o.slice(scheme.length, o.length - rest.length - 1);
    return label.length > 0 && (this.options.originWildcardDepth === 'any' ? /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(label) : /^[a-z0-9-]+$/.test(label));
  }

  private revoked(channelArn: string, viewerId: string, version: number, sessionStart: number): boolean {
    const now = Date.now();
    return this.state.viewerSessionRevocations.some((r) => r.channelArn === channelArn && r.viewerId === viewerId
      && version <= r.versionsUpTo && now >= r.at + this.options.revocationDelayMs
      && (this.options.revocationScope === 'versions' || sessionStart <= r.at));
  }

  // --- variant playlists and segments: the session's rules ------------------------------------

  private sessionOf(req: PlaybackRequest, id: string): { session: Session; cors?: string } {
    const session = this.sessions.get(id);
    if (!session) throw new Refused(404, 'SessionNotFound', `No playback session ${id}`);
    const channel = this.state.channels.get(session.channelArn);
    if (!channel?.live) throw new Refused(404, 'ChannelOffline', `Channel ${session.channelArn} is not live`);
    // [revoke] revocation also stops playback that already started.
    if (session.viewerId !== undefined && this.revoked(session.channelArn, session.viewerId, session.version, session.startedAt)) {
      throw new Refused(403, 'ViewerSessionRevoked', `The viewer session of ${session.viewerId} on ${session.channelArn} is revoked`);
    }
    // Without strict enforcement the origin rule "applies only to the multivariant playlist" [tokens].
    const cors = session.strict ? this.checkOrigin(req, session.origins, true) : undefined;
    return { session, cors };
  }

  private variant(req: PlaybackRequest, id: string, name: string) {
    const { session, cors } = this.sessionOf(req, id);
    const rendition = session.renditions.find((r) => r.name === name);
    if (!rendition) throw new Refused(404, 'SessionNotFound', `Session ${id} has no rendition ${name}`);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
    for (let i = 0; i < 3; i++) lines.push('#EXTINF:2.000,', `${req.baseUrl}${PREFIX}emulator-session/${id}/${name}/${i}.ts`);
    return { body: `${lines.join('\n')}\n`, type: 'application/vnd.apple.mpegurl', headers: corsHeaders(cors), channelArn: session.channelArn };
  }

  private segment(req: PlaybackRequest, id: string, name: string, index: number) {
    const { session, cors } = this.sessionOf(req, id);
    if (!session.renditions.some((r) => r.name === name) || index > 2) {
      throw new Refused(404, 'SessionNotFound', `Session ${id} has no segment ${name}/${index}`);
    }
    // One MPEG-TS packet (sync byte 0x47, null PID) as a stand-in for video.
    const packet = Buffer.alloc(188, 0xff);
    packet.set([0x47, 0x1f, 0xff, 0x10]);
    return { body: packet, type: 'video/MP2T', headers: corsHeaders(cors), channelArn: session.channelArn };
  }
}

function originsOf(claims: { [claim: string]: unknown }): string[] | undefined {
  const v = claims['aws:access-control-allow-origin'];
  // [tokens] "This field may contain multiple origins, separated by commas."
  return typeof v === 'string' ? v.split(',').map((o) => o.trim()).filter((o) => o !== '') : undefined;
}

function corsHeaders(origin: string | undefined): { [k: string]: string } {
  return origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin };
}

function decodeJson(part: string): { [k: string]: unknown } | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const keyCache = new Map<string, KeyObject>();
function publicKey(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) keyCache.set(pem, (key = createPublicKey(pem)));
  return key;
}

/** JWS ES384 signatures are R || S (RFC 7518 §3.4). */
function verifies(data: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
