import { IResource, RemovalPolicy, Resource } from 'aws-cdk-lib';
import { CfnPlaybackRestrictionPolicy } from 'aws-cdk-lib/aws-ivs';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import { toCfnTags } from './provider';
import { checkImportedArn, checkRemovalPolicy, checkRenderedTags, checkString, checkStringList, checkTags } from './validation';

/**
 * An IVS playback restriction policy, created here or imported.
 */
export interface IPlaybackRestrictionPolicy extends IResource {
  /**
   * ARN of the policy.
   *
   * @attribute
   */
  readonly playbackRestrictionPolicyArn: string;
}

/**
 * Properties of a PlaybackRestrictionPolicy.
 */
export interface PlaybackRestrictionPolicyProps {
  /**
   * Countries allowed to play (ISO 3166-1 alpha-2 codes, e.g. `US`).
   *
   * @default - all countries
   */
  readonly allowedCountries?: string[];

  /**
   * Origins allowed to play (e.g. `https://example.com`).
   *
   * @default - all origins
   */
  readonly allowedOrigins?: string[];

  /**
   * Whether the player must also be served from an allowed origin (strict origin enforcement).
   *
   * @default false
   */
  readonly enableStrictOriginEnforcement?: boolean;

  /**
   * Name (letters, digits, `-` and `_`).
   *
   * @default - no name
   */
  readonly playbackRestrictionPolicyName?: string;

  /**
   * Tags of the policy.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the policy when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An IVS playback restriction policy (AWS::IVS::PlaybackRestrictionPolicy): limits playback of a
 * channel by country and origin. Attach it with the Channel prop `playbackRestrictionPolicy`.
 */
@propertyInjectable
export class PlaybackRestrictionPolicy extends Resource implements IPlaybackRestrictionPolicy {
  /** Uniquely identifies this class (property injection). */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-ivs.PlaybackRestrictionPolicy';

  /**
   * Imports a playback restriction policy by ARN. Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param playbackRestrictionPolicyArn ARN of the policy
   */
  public static fromPlaybackRestrictionPolicyArn(scope: Construct, id: string, playbackRestrictionPolicyArn: string): IPlaybackRestrictionPolicy {
    checkImportedArn(scope, 'playbackRestrictionPolicyArn', playbackRestrictionPolicyArn, 'PlaybackRestrictionPolicyArn', 'playback-restriction-policy', 'playback restriction policy');

    class Import extends Resource implements IPlaybackRestrictionPolicy {
      public readonly playbackRestrictionPolicyArn = playbackRestrictionPolicyArn;
    }
    return new Import(scope, id, { environmentFromArn: playbackRestrictionPolicyArn });
  }

  /**
   * ARN of the policy.
   *
   * @attribute
   */
  public readonly playbackRestrictionPolicyArn: string;

  /** The underlying AWS::IVS::PlaybackRestrictionPolicy. */
  private readonly resource: CfnPlaybackRestrictionPolicy;

  /**
   * Creates a playback restriction policy.
   *
   * @param scope scope
   * @param id construct ID
   * @param props policy properties
   */
  constructor(scope: Construct, id: string, props: PlaybackRestrictionPolicyProps = {}) {
    super(scope, id, { physicalName: props.playbackRestrictionPolicyName });

    checkStringList(this, 'allowedCountries', props.allowedCountries, 'PlaybackRestrictionPolicyAllowedCountry');
    checkStringList(this, 'allowedOrigins', props.allowedOrigins, 'PlaybackRestrictionPolicyAllowedOrigin');
    checkString(this, 'playbackRestrictionPolicyName', props.playbackRestrictionPolicyName, 'PlaybackRestrictionPolicyName');
    checkTags(this, 'tags', props.tags);
    checkRemovalPolicy(this, 'removalPolicy', props.removalPolicy);

    const resource = this.resource = new CfnPlaybackRestrictionPolicy(this, 'Resource', {
      allowedCountries: props.allowedCountries ?? [],
      allowedOrigins: props.allowedOrigins ?? [],
      enableStrictOriginEnforcement: props.enableStrictOriginEnforcement,
      name: props.playbackRestrictionPolicyName,
      tags: toCfnTags(props.tags),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
    checkRenderedTags(this, resource.cdkTagManager);

    // Ref of AWS::IVS::PlaybackRestrictionPolicy is its ARN.
    this.playbackRestrictionPolicyArn = resource.attrArn;
  }

  /**
   * Applies a removal policy to the policy.
   *
   * @param policy DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, 'applyRemovalPolicy(policy)', policy);
    this.resource.applyRemovalPolicy(policy);
  }
}
