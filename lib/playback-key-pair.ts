/// <reference types="node" />
import { createPublicKey, KeyObject } from 'crypto';
import { Annotations, IResource, ITaggableV2, Lazy, Names, RemovalPolicy, Resource, Stack, TagManager, Token } from 'aws-cdk-lib';
import { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import { PLAYBACK_KEY_PAIR_ATTRIBUTES } from './contract';
import type { CrossAccountProps } from './cross-account';
import { concreteArnPart, Reach, reachFrom, targetProperties } from './reach';
import { createIvsResource, createOwnedSecret, createTagManager, IvsCfnResource, OwnedSecret, renderTags } from './provider';
import { checkImportedArn, checkRemovalPolicy, checkString, fail } from './validation';

/**
 * An IVS playback key pair, created here or imported.
 */
export interface IPlaybackKeyPair extends IResource {
  /**
   * Key pair ARN, e.g. arn:aws:ivs:us-west-2:693991300569:playback-key/f99cde61-c2b0-4df3-8941-ca7d38acca1a.
   *
   * @attribute
   */
  readonly playbackKeyPairArn: string;
}

/**
 * Properties of a PlaybackKeyPair (in another account or region: the CrossAccountProps; a generated
 * private key's secret stays in the stack's account).
 */
export interface PlaybackKeyPairProps extends CrossAccountProps {
  /**
   * PEM public key (ECDSA P-384) of a key pair you generated; changing it replaces the key pair.
   *
   * @default - the provider generates an ECDSA P-384 pair, imports its public key and writes both
   * halves to `secret`
   */
  readonly publicKeyMaterial?: string;

  /**
   * Key pair name (letters, digits, `-` and `_`); changing it replaces the key pair.
   *
   * @default - a name generated from the construct path
   */
  readonly playbackKeyPairName?: string;

  /**
   * Tags of the key pair (at most 49 with those of `Tags.of()`: the provider adds one).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the key pair (and its secret) when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A playback key pair (Custom::IvsPlaybackKeyPair): IVS validates the playback tokens of private
 * (`authorized`) channels with its public key. IVS allows 3 per account and region.
 *
 * @example
 * // the provider generates an ECDSA P-384 pair and keeps the private key in the pair's secret
 * const keys = new PlaybackKeyPair(this, 'Keys', { playbackKeyPairName: 'viewers' });
 * keys.secret!.grantRead(tokenSigner);
 * new Channel(this, 'MembersOnly', { authorized: true });
 */
@propertyInjectable
export class PlaybackKeyPair extends Resource implements IPlaybackKeyPair, ITaggableV2 {
  /** Uniquely identifies this class (property injection). */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-ivs.PlaybackKeyPair';

  /**
   * Imports a playback key pair by ARN. Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param playbackKeyPairArn ARN of the key pair
   */
  public static fromPlaybackKeyPairArn(scope: Construct, id: string, playbackKeyPairArn: string): IPlaybackKeyPair {
    checkImportedArn(scope, 'playbackKeyPairArn', playbackKeyPairArn, 'PlaybackKeyPairArn', 'playback-key', 'playback key pair');

    class Import extends Resource implements IPlaybackKeyPair {
      public readonly playbackKeyPairArn = playbackKeyPairArn;
    }
    return new Import(scope, id, { environmentFromArn: playbackKeyPairArn });
  }

  /**
   * Key pair ARN (the custom resource's physical ID).
   *
   * @attribute
   */
  public readonly playbackKeyPairArn: string;

  /**
   * Key pair fingerprint, e.g. 98:0d:1a:a0:19:96:1e:ea:0a:0a:2c:9a:42:19:2b:e7.
   *
   * @attribute
   */
  public readonly playbackKeyPairFingerprint: string;

  /**
   * Secret holding the generated pair as JSON (`playbackKeyPairArn`, `publicKey`, `privateKey`, PEM);
   * only when `publicKeyMaterial` is not given.
   */
  public readonly secret?: ISecret;

  /** Tags of the key pair; `Tags.of(scope).add()` reaches them. */
  public readonly cdkTagManager: TagManager;

  private readonly resource: IvsCfnResource;
  private readonly ownedSecret?: OwnedSecret;

  /**
   * Imports a public key, or generates a pair, as an IVS playback key pair.
   *
   * @param scope scope
   * @param id construct ID
   * @param props key pair properties
   */
  constructor(scope: Construct, id: string, props: PlaybackKeyPairProps = {}) {
    super(scope, id, {
      physicalName: props.playbackKeyPairName ?? Lazy.string({
        produce: () => Names.uniqueResourceName(this, { maxLength: 128, allowedSpecialCharacters: '-_' }),
      }),
    });

    checkString(this, 'playbackKeyPairName', props.playbackKeyPairName, 'PlaybackKeyPairName');
    checkPublicKey(this, props.publicKeyMaterial);
    checkRemovalPolicy(this, 'removalPolicy', props.removalPolicy);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.cdkTagManager = createTagManager(this, 'playbackKeyPair', props.tags);

    if (props.publicKeyMaterial === undefined) {
      this.ownedSecret = createOwnedSecret(this, 'Secret', `Amazon IVS playback key pair ${this.node.path}`, removalPolicy);
      this.secret = this.ownedSecret.secret;
    }

    const reach = reachFrom(props);
    warnOverQuota(this, reach);
    this.resource = createIvsResource(this, 'Resource', {
      kind: 'playbackKeyPair',
      removalPolicy,
      properties: {
        ...targetProperties(this, reach),
        Name: this.physicalName,
        PublicKeyMaterial: props.publicKeyMaterial,
        Tags: renderTags(this.cdkTagManager),
        SecretArn: this.ownedSecret?.resource.ref,
      },
    });

    this.playbackKeyPairArn = this.resource.ref;
    this.playbackKeyPairFingerprint = this.resource.getAttString(PLAYBACK_KEY_PAIR_ATTRIBUTES.Fingerprint);
  }

  /**
   * Applies a removal policy to the key pair and its secret.
   *
   * @param policy DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, 'applyRemovalPolicy(policy)', policy);
    this.resource.applyRemovalPolicy(policy);
    this.ownedSecret?.resource.applyRemovalPolicy(policy);
  }
}

/** Most playback key pairs an account has in a region. */
const PAIRS_QUOTA = 3;

/** The playback key pairs of each stack, by the account and region they are made in. */
const PAIRS_OF_STACK = new WeakMap<Stack, Map<string, number>>();

/**
 * Warns from the 4th key pair a stack makes in one account and region: "Amazon IVS allows a maximum of three key
 * pairs" (user guide, Create or Import an IVS Playback Key); IVS quotas are per account and "enforced per region"
 * (IVS Service Quotas). A warning, not an error: a token region or account may hide that they differ.
 */
function warnOverQuota(pair: PlaybackKeyPair, reach: Reach): void {
  const stack = Stack.of(pair);
  const account = concreteArnPart(reach.roleArn, 'account') ?? stack.account;
  const region = reach.region ?? stack.region;
  const where = `${account}/${region}`;
  const counts = PAIRS_OF_STACK.get(stack) ?? new Map<string, number>();
  PAIRS_OF_STACK.set(stack, counts);
  const count = (counts.get(where) ?? 0) + 1;
  counts.set(where, count);
  if (count > PAIRS_QUOTA) {
    const shown = (value: string) => (Token.isUnresolved(value) ? 'of the stack' : value);
    const place = `account ${shown(account)} and region ${shown(region)}`;
    Annotations.of(pair).addWarningV2('cdk-ivs:playbackKeyPairQuota', `this is playback key pair ${count} of this stack in ${place}: IVS allows `
      + `${PAIRS_QUOTA} per account and region (IVS service quotas; pairs made outside this stack count too), so a create will fail with `
      + 'ServiceQuotaExceededException.');
  }
}

/**
 * A given public key must be a PEM public key on the P-384 curve: IVS verifies playback tokens signed with ES384
 * ("an ECDSA signature algorithm that uses the SHA-384 hash algorithm", user guide, Generate and Sign IVS Playback
 * Tokens), which JWS defines on P-384 (RFC 7518, 3.4), and the guide's key pair is `openssl ecparam -name secp384r1`
 * (Create or Import an IVS Playback Key).
 */
function checkPublicKey(scope: Construct, pem: string | undefined): void {
  if (pem === undefined || Token.isUnresolved(pem)) {
    return;
  }
  if (/PRIVATE KEY/.test(pem)) {
    fail(scope, 'publicKeyMaterial holds a private key (it would be stored in the template); pass the public key only');
  }
  const head = pem.length > 40 ? `${pem.slice(0, 40)}...` : pem;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    fail(scope, `publicKeyMaterial must be a PEM public key (-----BEGIN PUBLIC KEY-----), got '${head}'`);
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'secp384r1') {
    const got = key.asymmetricKeyType === 'ec' ? `an EC key on curve ${curve}` : `key type ${key.asymmetricKeyType}`;
    fail(scope, `publicKeyMaterial must be an ECDSA public key on the P-384 curve (secp384r1), got ${got}: '${head}'`);
  }
}
