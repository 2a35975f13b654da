// The example's token-signing Lambda: reads the generated playback key pair's secret (cached across warm
// invocations) and answers a signed playback URL for the private channel. Put it behind whatever decides
// who may watch (an authorizer, your session check): whoever can invoke it can watch.
//
// Environment (set by examples/app.ts): CHANNEL_ARN, PLAYBACK_URL, PLAYBACK_KEY_SECRET_ARN and
// TOKEN_TTL_SECONDS. Bundled by the example app with aws-cdk-lib's NodejsFunction.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PlaybackKeyLoader, PlaybackTokenError } from 'cdk-ivs/playback-token';

/** The request: a viewer ID lets you revoke that viewer's session later (StartViewerSessionRevocation). */
export interface TokenRequest {
  readonly viewerId?: string;
}

export interface TokenResponse {
  readonly statusCode: number;
  readonly headers: { readonly [name: string]: string };
  readonly body: string;
}

let keys: PlaybackKeyLoader | undefined;

function loader(): PlaybackKeyLoader {
  if (!keys) {
    const client = new SecretsManagerClient({});
    keys = new PlaybackKeyLoader({
      secretId: env('PLAYBACK_KEY_SECRET_ARN'),
      getSecretString: async (SecretId) => (await client.send(new GetSecretValueCommand({ SecretId }))).SecretString,
    });
  }
  return keys;
}

export async function handler(event: TokenRequest = {}): Promise<TokenResponse> {
  try {
    const signed = await loader().sign({
      channelArn: env('CHANNEL_ARN'),
      playbackUrl: env('PLAYBACK_URL'),
      expiresInSeconds: Number(process.env.TOKEN_TTL_SECONDS ?? 300),
      viewerId: event.viewerId,
    });
    return reply(200, { playbackUrl: signed.playbackUrl, expiresAt: signed.expiresAt.toISOString() });
  } catch (error) {
    // A bad request (say a viewer ID over 40 characters) is the caller's; anything else is ours. The
    // message never holds key material; the token is never logged.
    if (error instanceof PlaybackTokenError && event.viewerId !== undefined && /viewerId/.test(error.message)) {
      return reply(400, { message: error.message });
    }
    console.error('token signer failed:', error instanceof Error ? error.message : String(error));
    return reply(500, { message: 'could not sign a playback token' });
  }
}

function reply(statusCode: number, body: object): TokenResponse {
  return { statusCode, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify(body) };
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** For tests and the demo: forget the cached key and client (as a cold start would). */
export function coldStart(): void {
  keys = undefined;
}
