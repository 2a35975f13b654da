// The secrets the constructs create and the handler writes: a version only for a new value, and the
// current version put back when a replaced key pair is rolled back. The handler never reads a value.

import { createHash } from 'node:crypto';
import type { Channel, StreamKey } from '@aws-sdk/client-ivs';
import { DescribeSecretCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { StreamSecretValue, rtmpsIngestUrl } from '../lib/contract';
import type { Session } from './clients';
import { NOT_FOUND, isCode } from './errors';

/**
 * Writes a JSON secret value as a new version of the secret the construct created, only when it is a
 * new value: the version's ClientRequestToken is derived from the secret and `identity` (by default the
 * value), and PutSecretValue ignores a token it has with the same value (PutSecretValue reference:
 * "If a version with this value already exists and the version SecretString and SecretBinary values are
 * the same as those in the request, then the request is ignored"), so no version is added, however often
 * the handler writes. The handler never reads a secret's value; it does read which version is current
 * (DescribeSecret), to move AWSCURRENT back to a version the ignored request did not move.
 */
export async function writeSecret(session: Session, secretArn: string, value: object, identity?: string): Promise<void> {
  const SecretString = JSON.stringify(value);
  const token = versionToken(secretArn, identity ?? SecretString);
  const answer = await session.secrets(new PutSecretValueCommand({ SecretId: secretArn, SecretString, ClientRequestToken: token }), secretArn);
  // The answer lists the stages of the version (PutSecretValue response syntax): a new one is AWSCURRENT
  // ("If you don't include VersionStages, then Secrets Manager automatically moves the staging label
  // AWSCURRENT to this version"); an ignored request's version may not be, when another value was
  // written since (A, B, then A again).
  const stages = answer?.VersionStages;
  if (stages !== undefined && !stages.includes(CURRENT)) await makeCurrent(session, secretArn, token);
}

/** AWSCURRENT on version `versionId` (UpdateSecretVersionStage moves it, and AWSPREVIOUS with it). */
export async function makeCurrent(session: Session, secretArn: string, versionId: string): Promise<void> {
  const stages = (await session.secrets(new DescribeSecretCommand({ SecretId: secretArn }), secretArn))?.VersionIdsToStages ?? {};
  const current = Object.keys(stages).find((id) => stages[id]?.includes(CURRENT));
  if (current === versionId) return;
  await session.secrets(new UpdateSecretVersionStageCommand({
    SecretId: secretArn, VersionStage: CURRENT, MoveToVersionId: versionId, RemoveFromVersionId: current,
  }), secretArn);
}

/**
 * When version `versionId` is current, makes the previous one current again (the version it replaced:
 * AWSPREVIOUS); otherwise changes nothing. A secret already gone is fine.
 */
export async function restorePrevious(session: Session, secretArn: string, versionId: string): Promise<void> {
  let stages: { [id: string]: string[] | undefined };
  try {
    stages = (await session.secrets(new DescribeSecretCommand({ SecretId: secretArn }), secretArn))?.VersionIdsToStages ?? {};
  } catch (error) {
    if (isCode(error, NOT_FOUND)) return;
    throw error;
  }
  const previous = Object.keys(stages).find((id) => stages[id]?.includes(PREVIOUS));
  if (!stages[versionId]?.includes(CURRENT) || previous === undefined) return;
  await session.secrets(new UpdateSecretVersionStageCommand({
    SecretId: secretArn, VersionStage: CURRENT, MoveToVersionId: previous, RemoveFromVersionId: versionId,
  }), secretArn);
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/** A ClientRequestToken (a UUID, within the 32 to 64 characters PutSecretValue takes) for a secret's value. */
export function versionToken(secretArn: string, identity: string): string {
  const h = createHash('sha256').update(`${secretArn}\n${identity}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Writes what a broadcaster needs to stream to `channel` with `key`. */
export async function writeStreamSecret(session: Session, secretArn: string, channel: Channel, key: StreamKey): Promise<void> {
  const value: StreamSecretValue = {
    channelArn: channel.arn ?? '',
    streamKeyArn: key.arn ?? '',
    streamKey: key.value ?? '',
    rtmpsUrl: rtmpsIngestUrl(channel.ingestEndpoint ?? ''),
    srtEndpoint: channel.srt?.endpoint ?? '',
    srtPassphrase: channel.srt?.passphrase ?? '',
  };
  await writeSecret(session, secretArn, value);
}
