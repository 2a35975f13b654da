// Generated values in the shapes IVS, Secrets Manager and STS use, so that tests and log scans see
// what production would show.
import { createHash, KeyObject, randomBytes, randomInt, randomUUID } from 'node:crypto';

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

export function randomChars(length: number, alphabet: string = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Resource IDs of IVS ARNs: 12 alphanumerics, e.g. `channel/AbCdEf123456`. */
export function ivsResourceId(): string {
  return randomChars(12);
}

export function ivsArn(region: string, account: string, type: string, id: string): string {
  return `arn:aws:ivs:${region}:${account}:${type}/${id}`;
}

/** `sk_<region>_<12 alnum>_<23 alnum>`: a 36-character random part, as IVS stream keys look. */
export function streamKeyValue(region: string): string {
  return `sk_${region}_${randomChars(12)}_${randomChars(23)}`;
}

/** `<12 hex>.global-contribute.live-video.net` */
export function ingestEndpoint(prefix: string): string {
  return `${prefix}.global-contribute.live-video.net`;
}

export function hexPrefix(): string {
  return randomChars(12, HEX);
}

/** `https://<12 hex>.<region>.playback.live-video.net/api/video/v1/<region>.<account>.channel.<id>.m3u8` */
export function playbackUrl(prefix: string, region: string, account: string, channelId: string): string {
  return `https://${prefix}.${region}.playback.live-video.net/api/video/v1/${region}.${account}.channel.${channelId}.m3u8`;
}

/** `<12 hex>.srt.live-video.net` (same prefix as the ingest endpoint). */
export function srtEndpoint(prefix: string): string {
  return `${prefix}.srt.live-video.net`;
}

/** SRT passphrase: 48 alphanumerics (IVS's are long random strings). */
export function srtPassphrase(): string {
  return randomChars(48);
}

/** `st-` + 23 alphanumerics: 26 characters, the StreamId shape. */
export function streamId(): string {
  return `st-${randomChars(23)}`;
}

/** Playback key pair fingerprint: MD5 of the DER public key, colon-separated hex. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('md5').update(der).digest('hex').match(/../g)!.join(':');
}

/** Secrets Manager appends `-` and 6 random characters to the name in a secret's ARN. */
export function secretArn(region: string, account: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-${randomChars(6)}`;
}

export function requestId(): string {
  return randomUUID();
}

export function versionId(): string {
  return randomUUID();
}

export function opaqueToken(): string {
  return randomBytes(24).toString('base64url');
}
