import { Arn, ArnFormat, Duration, IResource, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import { CfnRecordingConfiguration } from 'aws-cdk-lib/aws-ivs';
import { IBucketRef } from 'aws-cdk-lib/aws-s3';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import { toCfnTags } from './provider';
import { checkEnum, checkImportedArn, checkRemovalPolicy, checkRenderedTags, checkSeconds, checkString, checkTags } from './validation';

/**
 * Resolution of a recorded rendition or thumbnail.
 */
export enum Resolution {
  /** Full HD (1080p). */
  FULL_HD = 'FULL_HD',
  /** HD (720p). */
  HD = 'HD',
  /** SD (480p). */
  SD = 'SD',
  /** The lowest resolution. */
  LOWEST_RESOLUTION = 'LOWEST_RESOLUTION',
}

/**
 * Which renditions are recorded.
 */
export enum RenditionSelection {
  /** Record every rendition. */
  ALL = 'ALL',
  /** Record no video (e.g. thumbnails only). */
  NONE = 'NONE',
  /** Record the renditions listed. */
  CUSTOM = 'CUSTOM',
}

/**
 * Rendition configuration of a recording configuration.
 */
export class RenditionConfiguration {
  /** Record every rendition. */
  public static all(): RenditionConfiguration {
    return new RenditionConfiguration(RenditionSelection.ALL);
  }

  /** Record no video. */
  public static none(): RenditionConfiguration {
    return new RenditionConfiguration(RenditionSelection.NONE);
  }

  /**
   * Record the renditions listed.
   *
   * @param renditions renditions to record
   */
  public static custom(renditions: Resolution[]): RenditionConfiguration {
    return new RenditionConfiguration(RenditionSelection.CUSTOM, renditions);
  }

  /**
   * @param renditionSelection which renditions are recorded
   * @param renditions the renditions recorded with CUSTOM
   */
  private constructor(public readonly renditionSelection: RenditionSelection, public readonly renditions?: Resolution[]) {}
}

/**
 * Thumbnail recording mode.
 */
export enum RecordingMode {
  /** Thumbnails at the interval `targetInterval`. */
  INTERVAL = 'INTERVAL',
  /** No thumbnails. */
  DISABLED = 'DISABLED',
}

/**
 * How thumbnails are stored.
 */
export enum Storage {
  /** Every thumbnail, in media/thumbnails. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** Only the latest, media/thumbnails/latest/thumb.jpg, overwritten at each interval. */
  LATEST = 'LATEST',
}

/**
 * Thumbnail configuration of a recording configuration.
 */
export class ThumbnailConfiguration {
  /** Record no thumbnails. */
  public static disable(): ThumbnailConfiguration {
    return new ThumbnailConfiguration(RecordingMode.DISABLED);
  }

  /**
   * Record thumbnails at an interval.
   *
   * @param resolution thumbnail resolution (default: the input's)
   * @param storage how thumbnails are stored (default: SEQUENTIAL)
   * @param targetInterval interval from 1 to 60 seconds (default: 60 seconds)
   */
  public static interval(resolution?: Resolution, storage?: Storage[], targetInterval?: Duration): ThumbnailConfiguration {
    return new ThumbnailConfiguration(RecordingMode.INTERVAL, resolution, storage, targetInterval);
  }

  /**
   * @param recordingMode thumbnail recording mode
   * @param resolution thumbnail resolution
   * @param storage how thumbnails are stored
   * @param targetInterval interval between thumbnails
   */
  private constructor(
    public readonly recordingMode?: RecordingMode,
    public readonly resolution?: Resolution,
    public readonly storage?: Storage[],
    public readonly targetInterval?: Duration,
  ) {}
}

/**
 * Properties of a RecordingConfiguration.
 */
export interface RecordingConfigurationProps {
  /**
   * S3 bucket the recordings go to (same region).
   */
  readonly bucket: IBucketRef;

  /**
   * Name (letters, digits, `-` and `_`; need not be unique).
   *
   * @default - CloudFormation's default (no name)
   */
  readonly recordingConfigurationName?: string;

  /**
   * Streams that reconnect within this window (0 to 300 whole seconds) are merged into one recording.
   *
   * @default - 0 seconds (no merging)
   */
  readonly recordingReconnectWindow?: Duration;

  /**
   * Which renditions are recorded.
   *
   * @default - every rendition
   */
  readonly renditionConfiguration?: RenditionConfiguration;

  /**
   * Thumbnail recording.
   *
   * @default - a thumbnail every 60 seconds
   */
  readonly thumbnailConfiguration?: ThumbnailConfiguration;

  /**
   * Tags of the recording configuration.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the recording configuration when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An IVS recording configuration, created here or imported.
 */
export interface IRecordingConfiguration extends IResource {
  /**
   * ID of the recording configuration (the last part of its ARN).
   *
   * @attribute
   */
  readonly recordingConfigurationId: string;

  /**
   * ARN of the recording configuration.
   *
   * @attribute
   */
  readonly recordingConfigurationArn: string;
}

/**
 * An IVS recording configuration (AWS::IVS::RecordingConfiguration): records a channel's streams to S3.
 */
@propertyInjectable
export class RecordingConfiguration extends Resource implements IRecordingConfiguration {
  /** Uniquely identifies this class (property injection). */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-ivs.RecordingConfiguration';

  /**
   * Imports a recording configuration of this stack's account and region by ID.
   *
   * @param scope scope
   * @param id construct ID
   * @param recordingConfigurationId ID of the recording configuration
   */
  public static fromRecordingConfigurationId(scope: Construct, id: string, recordingConfigurationId: string): IRecordingConfiguration {
    const recordingConfigurationArn = Stack.of(scope).formatArn({
      service: 'ivs',
      resource: 'recording-configuration',
      resourceName: recordingConfigurationId,
    });
    return new ImportedRecordingConfiguration(scope, id, recordingConfigurationArn, recordingConfigurationId);
  }

  /**
   * Imports a recording configuration by ARN. Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param recordingConfigurationArn ARN of the recording configuration
   */
  public static fromRecordingConfigurationArn(scope: Construct, id: string, recordingConfigurationArn: string): IRecordingConfiguration {
    const parts = Arn.split(recordingConfigurationArn, ArnFormat.SLASH_RESOURCE_NAME);
    checkImportedArn(scope, 'recordingConfigurationArn', recordingConfigurationArn, 'RecordingConfigurationArn', 'recording-configuration', 'recording configuration');
    return new ImportedRecordingConfiguration(scope, id, recordingConfigurationArn, parts.resourceName!);
  }

  /**
   * Imports a recording configuration by ARN (the alpha's name for fromRecordingConfigurationArn).
   *
   * @param scope scope
   * @param id construct ID
   * @param recordingConfigurationArn ARN of the recording configuration
   */
  public static fromArn(scope: Construct, id: string, recordingConfigurationArn: string): IRecordingConfiguration {
    return RecordingConfiguration.fromRecordingConfigurationArn(scope, id, recordingConfigurationArn);
  }

  /**
   * ID of the recording configuration (the last part of its ARN).
   *
   * @attribute
   */
  public readonly recordingConfigurationId: string;

  /**
   * ARN of the recording configuration.
   *
   * @attribute
   */
  public readonly recordingConfigurationArn: string;

  /** The underlying AWS::IVS::RecordingConfiguration. */
  private readonly resource: CfnRecordingConfiguration;

  /**
   * Creates a recording configuration.
   *
   * @param scope scope
   * @param id construct ID
   * @param props recording configuration properties
   */
  constructor(scope: Construct, id: string, props: RecordingConfigurationProps) {
    super(scope, id, { physicalName: props.recordingConfigurationName });

    const bucketName = props.bucket.bucketRef.bucketName;
    const rendition = props.renditionConfiguration;
    const thumbnail = props.thumbnailConfiguration;
    checkString(this, 'bucket', bucketName, 'S3DestinationBucketName');
    checkString(this, 'recordingConfigurationName', props.recordingConfigurationName, 'RecordingConfigurationName');
    checkSeconds(this, 'recordingReconnectWindow', props.recordingReconnectWindow, 'RecordingReconnectWindowSeconds');
    checkEnum(this, 'renditionConfiguration.renditionSelection', rendition?.renditionSelection, 'RenditionConfigurationRenditionSelection');
    (rendition?.renditions ?? []).forEach((r, i) =>
      checkEnum(this, `renditionConfiguration.renditions[${i}]`, r, 'RenditionConfigurationRendition'));
    checkEnum(this, 'thumbnailConfiguration.recordingMode', thumbnail?.recordingMode, 'RecordingMode');
    checkEnum(this, 'thumbnailConfiguration.resolution', thumbnail?.resolution, 'ThumbnailConfigurationResolution');
    (thumbnail?.storage ?? []).forEach((s, i) =>
      checkEnum(this, `thumbnailConfiguration.storage[${i}]`, s, 'ThumbnailConfigurationStorage'));
    checkSeconds(this, 'thumbnailConfiguration.targetInterval', thumbnail?.targetInterval, 'TargetIntervalSeconds');
    checkTags(this, 'tags', props.tags);
    checkRemovalPolicy(this, 'removalPolicy', props.removalPolicy);

    this.resource = new CfnRecordingConfiguration(this, 'Resource', {
      destinationConfiguration: { s3: { bucketName } },
      name: props.recordingConfigurationName,
      recordingReconnectWindowSeconds: props.recordingReconnectWindow?.toSeconds(),
      renditionConfiguration: rendition && {
        renditionSelection: rendition.renditionSelection,
        renditions: rendition.renditions,
      },
      thumbnailConfiguration: thumbnail && {
        recordingMode: thumbnail.recordingMode,
        resolution: thumbnail.resolution,
        storage: thumbnail.storage,
        targetIntervalSeconds: thumbnail.targetInterval?.toSeconds(),
      },
      tags: toCfnTags(props.tags),
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
    checkRenderedTags(this, this.resource.tags);

    // Ref of AWS::IVS::RecordingConfiguration is the ARN; the ID is its last part.
    this.recordingConfigurationArn = this.resource.attrArn;
    this.recordingConfigurationId = Arn.split(this.resource.attrArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
  }

  /**
   * Applies a removal policy to the recording configuration.
   *
   * @param policy DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, 'applyRemovalPolicy(policy)', policy);
    this.resource.applyRemovalPolicy(policy);
  }
}

/** A recording configuration known by ARN and ID. */
class ImportedRecordingConfiguration extends Resource implements IRecordingConfiguration {
  constructor(scope: Construct, id: string, public readonly recordingConfigurationArn: string, public readonly recordingConfigurationId: string) {
    super(scope, id, { environmentFromArn: recordingConfigurationArn });
  }
}
