/**
 * A self-signed X.509 certificate made with node:crypto alone (no openssl binary, no dependency):
 * an ECDSA P-256 key pair and a minimal DER encoder for the certificate. It is generated at run
 * time, held only in memory, and trusted explicitly by the Lambda child processes (as `ca` of the
 * agent that carries the response PUT), so TLS verification stays on.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

export interface SelfSignedCertificate {
  /** PEM of the certificate. */
  readonly certPem: string;
  /** PEM (PKCS#8) of the private key. */
  readonly keyPem: string;
  /** SHA-256 fingerprint, as node:crypto prints it. */
  readonly fingerprint256: string;
}

export interface CertificateOptions {
  /** DNS names for the subjectAltName (the first one is also the CN). */
  readonly dnsNames: string[];
  /** IP addresses (v4) for the subjectAltName. @default ['127.0.0.1'] */
  readonly ipAddresses?: string[];
  /** Validity in days from one hour ago. @default 2 */
  readonly validityDays?: number;
}

// --- minimal DER ----------------------------------------------------------------------------

function der(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) {
    header = Buffer.from([tag, len]);
  } else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);
const octets = (b: Buffer) => der(0x04, b);
const bitString = (b: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return der(0x02, v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let n = p >> 7; n > 0; n >>= 7) chunk.unshift(0x80 | (n & 0x7f));
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`
    + `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(s, 'ascii'));
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';
const EXTENDED_KEY_USAGE = '2.5.29.37';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Makes a fresh self-signed certificate for the given names. */
export function createSelfSignedCertificate(options: CertificateOptions): SelfSignedCertificate {
  const ips = options.ipAddresses ?? ['127.0.0.1'];
  const days = options.validityDays ?? 2;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });

  const name = seq(set(seq(oid(COMMON_NAME), utf8(options.dnsNames[0] ?? 'localhost'))));
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + days * 86400_000);
  const altNames = seq(
    ...options.dnsNames.map((n) => der(0x82, Buffer.from(n, 'ascii'))),
    ...ips.map((ip) => der(0x87, Buffer.from(ip.split('.').map(Number)))),
  );
  const extensions = explicit(3, seq(
    seq(oid(BASIC_CONSTRAINTS), bool(true), octets(seq())),
    seq(oid(EXTENDED_KEY_USAGE), octets(seq(oid(SERVER_AUTH)))),
    seq(oid(SUBJECT_ALT_NAME), octets(altNames)),
  ));
  const algorithm = seq(oid(ECDSA_WITH_SHA256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    Buffer.from(spki),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, algorithm, bitString(signature));
  const certPem = toPem('CERTIFICATE', cert);
  // Parse it back once: a malformed encoding fails here, not in a child's TLS handshake.
  const parsed = new X509Certificate(certPem);
  if (!parsed.verify(publicKey)) throw new Error('self-signed certificate does not verify');
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint256: parsed.fingerprint256,
  };
}
