// Small helpers the emulator's tests share (no jest globals: usable from scripts too).
import { generateKeyPairSync } from 'node:crypto';

/** What an SDK call failed with (fails itself if the call succeeded). */
export async function failure(call: Promise<unknown>): Promise<Error & {
  name: string;
  message: string;
  exceptionMessage?: string;
  code?: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
  $response?: { headers: { [k: string]: string } };
}> {
  try {
    await call;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A PEM public key on P-384, as ImportPlaybackKeyPair takes. */
export function p384PublicKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
