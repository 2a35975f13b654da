// AWS Signature Version 4 verification (header form, AWS4-HMAC-SHA256), with node:crypto only.
// The canonical request is rebuilt from what arrived on the wire exactly as the signer builds it
// (@smithy/signature-v4): path segments normalized and URI-encoded again, query pairs decoded,
// re-encoded and sorted, signed headers trimmed, payload hashed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { KeyStore, Principal } from './credentials';

export interface WireRequest {
  readonly method: string;
  /** Path as received, still percent-encoded. */
  readonly rawPath: string;
  /** Query string as received (without `?`). */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a signature was refused; each protocol turns the kind into its own error code and status. */
export type AuthFailureKind = 'missing' | 'incomplete' | 'unrecognized' | 'expiredToken' | 'invalidSignature';

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal; readonly region: string; readonly service: string }
  | { readonly ok: false; readonly kind: AuthFailureKind; readonly message: string };

export interface VerifyOptions {
  /** The service the endpoint belongs to (credential scope must name it). */
  readonly service: string;
  /** Regions the endpoint accepts in the credential scope. */
  readonly regions: readonly string[];
  readonly keys: KeyStore;
  readonly now: Date;
  /** Allowed difference between the request's X-Amz-Date and now. @default 5 minutes */
  readonly maxSkewMs?: number;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/;

function fail(kind: AuthFailureKind, message: string): AuthResult {
  return { ok: false, kind, message };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** encodeURIComponent plus the characters RFC 3986 reserves that it leaves alone. */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const i = pair.indexOf('=');
    const key = safeDecode(i < 0 ? pair : pair.slice(0, i));
    const value = i < 0 ? '' : safeDecode(pair.slice(i + 1));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const list = byKey.get(key) ?? [];
    list.push(value);
    byKey.set(key, list);
  }
  const serialized = new Map<string, string>();
  for (const [key, values] of byKey) {
    const k = escapeUri(key);
    serialized.set(k, values.map((v) => `${k}=${escapeUri(v)}`).sort().join('&'));
  }
  return [...serialized.keys()].sort().map((k) => serialized.get(k)!).join('&');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Parses X-Amz-Date (`20240101T000000Z`). */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Verifies the SigV4 signature of a request; on success says who signed it. */
export function verifySignature(req: WireRequest, opts: VerifyOptions): AuthResult {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) return fail('missing', 'Missing Authentication Token');
  const m = AUTH_RE.exec(authorization);
  if (!m) {
    return fail('incomplete', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256). Authorization=${authorization.split(' ')[0]}`);
  }
  const [, credential, signedHeadersList, signature] = m;
  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    return fail('incomplete', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request, got '${credential}'`);
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scopeParts;
  const dateHeader = header(req.headers, 'x-amz-date');
  const requestDate = dateHeader ? parseAmzDate(dateHeader) : undefined;
  if (!dateHeader || !requestDate) return fail('incomplete', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signedHeaders = signedHeadersList.split(';');
  if (!signedHeaders.includes('host')) return fail('incomplete', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  const key = opts.keys.lookup(accessKeyId, header(req.headers, 'x-amz-security-token'), opts.now);
  if (key.kind === 'unknown' || key.kind === 'badToken') return fail('unrecognized', 'The security token included in the request is invalid.');
  if (key.kind === 'expired') return fail('expiredToken', 'The security token included in the request is expired');

  if (scopeService !== opts.service) return fail('invalidSignature', `Credential should be scoped to correct service: '${opts.service}'. `);
  if (!opts.regions.includes(scopeRegion)) {
    return fail('invalidSignature', `Credential should be scoped to a valid region, not '${scopeRegion}'. This endpoint serves ${opts.regions.join(', ')}.`);
  }
  if (scopeDate !== dateHeader.slice(0, 8)) {
    return fail('invalidSignature', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateHeader.slice(0, 8)}', from '${dateHeader}'.`);
  }
  const skew = opts.maxSkewMs ?? 5 * 60 * 1000;
  const nowMs = opts.now.getTime();
  if (requestDate.getTime() < nowMs - skew) {
    return fail('invalidSignature', `Signature expired: ${dateHeader} is now earlier than ${amzDate(new Date(nowMs - skew))} (${amzDate(opts.now)} - 5 min.)`);
  }
  if (requestDate.getTime() > nowMs + skew) {
    return fail('invalidSignature', `Signature not yet current: ${dateHeader} is still later than ${amzDate(new Date(nowMs + skew))} (${amzDate(opts.now)} + 5 min.)`);
  }

  const bodyHash = sha256Hex(req.body);
  const declaredHash = header(req.headers, 'x-amz-content-sha256');
  if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash) {
    return fail('invalidSignature', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(header(req.headers, name) ?? '').trim().replace(/\s+/g, ' ')}`).join('\n');
  const canonicalRequest = [
    req.method,
    canonicalPath(req.rawPath),
    canonicalQuery(req.rawQuery),
    canonicalHeaders,
    '',
    signedHeadersList,
    declaredHash ?? bodyHash,
  ].join('\n');
  const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', dateHeader, scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${key.secretAccessKey}`, scopeDate);
  const kSigning = hmac(hmac(hmac(kDate, scopeRegion), scopeService), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail('invalidSignature', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return { ok: true, principal: key.principal, region: scopeRegion, service: scopeService };
}
