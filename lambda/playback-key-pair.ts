// Custom::IvsPlaybackKeyPair: ImportPlaybackKeyPair of the user's PEM public key, or of the public
// half of an ECDSA P-384 pair generated here, whose private key then goes to the secret. A new name
// or key replaces the pair (a new ARN; CloudFormation then deletes the old one; a renamed pair of the
// same key is deleted first, since IVS refuses a key it holds); tags update in place.

import { generateKeyPairSync } from 'node:crypto';
import {
  DeletePlaybackKeyPairCommand,
  GetPlaybackKeyPairCommand,
  ImportPlaybackKeyPairCommand,
  ImportPlaybackKeyPairCommandOutput,
  ListPlaybackKeyPairsCommand,
  PlaybackKeyPair,
} from '@aws-sdk/client-ivs';
import { PLAYBACK_KEY_PAIR_ATTRIBUTES, PLAYBACK_KEY_PAIR_FIELDS, PlaybackKeyPairSecretValue } from '../lib/contract';
import type { Session } from './clients';
import { RequestResources, ResourceHandler, createOnce, createTags, deleteMadeBy, listAll, reconcileTags, respond } from './common';
import { restorePrevious, versionToken, writeSecret } from './secrets';
import { NOT_FOUND, ignoring, must, undoOnFailure } from './errors';
import type { Props } from './properties';
import type { HandlerResponse } from './types';

type KeyPairProps = Props<typeof PLAYBACK_KEY_PAIR_FIELDS>;

export const playbackKeyPair: ResourceHandler<KeyPairProps> = {
  onCreate: importKeyPair,

  async onUpdate(session, arn, props, oldProps) {
    // A generated private key cannot be copied to another secret: a new secret means a new pair.
    const generatedForNewSecret = props.PublicKeyMaterial === undefined && props.SecretArn !== oldProps.SecretArn;
    const sameOwnKey = props.PublicKeyMaterial !== undefined && props.PublicKeyMaterial === oldProps.PublicKeyMaterial;
    if (sameOwnKey && props.Name !== oldProps.Name && !generatedForNewSecret) {
      // IVS refuses a public key it already holds (ImportPlaybackKeyPair: ConflictException), so a new
      // name for the same key would need the pair deleted first; CloudFormation's rollback deletes the
      // new physical ID and keeps the old one, which would then be gone. Refused, unless the pair already
      // has the name (an update back to it, as after an update that never reached IVS).
      const pair = await getKeyPair(session, arn);
      if ((pair.name ?? '') !== (props.Name ?? '')) {
        throw new Error(`IVS holds one playback key pair per public key, so ${arn} cannot be renamed from '${pair.name ?? ''}' to '${props.Name ?? ''}' `
          + 'without deleting it first, which a rollback could not undo: keep the name, or give the new name with a new publicKeyMaterial (a new key)');
      }
      await reconcileTags(session, arn, oldProps.Tags, props.Tags);
      return keyPairResponse(pair);
    }
    if (props.Name !== oldProps.Name || props.PublicKeyMaterial !== oldProps.PublicKeyMaterial || generatedForNewSecret) {
      return importKeyPair(session, props);
    }
    await reconcileTags(session, arn, oldProps.Tags, props.Tags);
    return keyPairResponse(await getKeyPair(session, arn));
  },

  async abandon(session, props, which) {
    return deleteMadeBy(pairsOf(session, targetOf(props)), which);
  },

  async onDelete(session, arn, props) {
    // A generated pair's secret holds the pair it made current: when this pair's version is the current
    // one, the version before it (its replaced pair's) becomes current again. That is the rollback of a
    // replacement (CloudFormation deletes the new physical ID and keeps the old); the cleanup after a
    // replacement deletes the old pair, whose version is not current, and changes nothing.
    if (props.PublicKeyMaterial === undefined && props.SecretArn) await restorePrevious(session, props.SecretArn, versionToken(props.SecretArn, arn));
    await deleteKeyPair(session, arn);
  },
};

async function importKeyPair(session: Session, props: KeyPairProps): Promise<HandlerResponse> {
  const secretArn = props.SecretArn;
  if (props.PublicKeyMaterial === undefined && !secretArn) {
    throw new Error('SecretArn is required when PublicKeyMaterial is absent: the generated private key is written there');
  }
  const generated = props.PublicKeyMaterial === undefined ? generateP384() : undefined;
  const publicKeyMaterial = props.PublicKeyMaterial ?? generated?.publicKey;
  const target = targetOf(props);
  const command = () => new ImportPlaybackKeyPairCommand({ publicKeyMaterial, name: props.Name, tags: createTags(session, props.Tags) });
  // An import of the same key again is refused: it exists (or, at the quota, there is no room). A key of one's own is
  // one pair by itself; a generated key differs at every delivery.
  const resources = { ...pairsOf(session, target), refusals: ['ConflictException', 'ServiceQuotaExceededException'], unique: generated === undefined };
  return createOnce(session, () => session.ivs(command(), target), (answer) => answer.keyPair?.arn, resources, async (imported, made) => {
    const keyPair = must(imported.keyPair, 'key pair');
    const arn = must(keyPair.arn, 'key pair ARN');
    // A pair another delivery of this event generated has its private key in the secret already.
    if (generated && secretArn && made) {
      const value: PlaybackKeyPairSecretValue = { playbackKeyPairArn: arn, ...generated };
      await undoOnFailure(`playback key pair ${arn}`,
        // The version is named after the pair, so a Delete of the pair finds it (restorePrevious).
        () => writeSecret(session, secretArn, value, arn),
        () => deleteKeyPair(session.forCleanup(), arn));
    }
    return keyPairResponse(keyPair);
  });
}

/** What the log line of a call about the pair to be made names. */
function targetOf(props: KeyPairProps): string {
  return props.Name || '(unnamed key pair)';
}

/** The key pairs a create may have made, as createOnce finds, reads and deletes them. */
function pairsOf(session: Session, target: string): RequestResources<ImportPlaybackKeyPairCommandOutput> {
  return {
    list: () => listAll((nextToken) => session.ivs(new ListPlaybackKeyPairsCommand({ nextToken }), target), (page) => page.keyPairs),
    get: async (arn) => ({ keyPair: await getKeyPair(session, arn) }),
    delete: (arn) => deleteKeyPair(session, arn),
  };
}

/** An ECDSA P-384 key pair in PEM, as IVS playback authorization expects. */
function generateP384(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'secp384r1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function keyPairResponse(keyPair: PlaybackKeyPair): HandlerResponse {
  const A = PLAYBACK_KEY_PAIR_ATTRIBUTES;
  const arn = must(keyPair.arn, 'key pair ARN');
  return respond(arn, { [A.Arn]: arn, [A.Name]: keyPair.name ?? '', [A.Fingerprint]: keyPair.fingerprint ?? '' });
}

async function getKeyPair(session: Session, arn: string): Promise<PlaybackKeyPair> {
  return must((await session.ivs(new GetPlaybackKeyPairCommand({ arn }), arn)).keyPair, 'key pair');
}

/** DeletePlaybackKeyPair; a pair already gone counts as deleted. */
function deleteKeyPair(session: Session, arn: string): Promise<void> {
  return ignoring([NOT_FOUND], session.ivs(new DeletePlaybackKeyPairCommand({ arn }), arn));
}
