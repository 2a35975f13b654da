import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RESOURCE_TYPES } from '../../lib/contract';
import { IVS_SHAPES } from '../../lib/generated/ivs-model';
import {
  Channel,
  RecordingConfiguration,
  RecordingMode,
  RenditionConfiguration,
  RenditionSelection,
  Resolution,
  Storage,
  ThumbnailConfiguration,
} from '../../lib';
import { newStack, template } from './helpers';

const ARN = 'arn:aws:ivs:us-west-2:123456789012:recording-configuration/abcdABCDefgh';

describe('RecordingConfiguration', () => {
  test('a bucket is all it needs', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'RecordingBucket');
    // WHEN
    const config = new RecordingConfiguration(stack, 'RecordingConfiguration', { bucket });
    // THEN
    template(stack).hasResource('AWS::IVS::RecordingConfiguration', {
      Properties: {
        DestinationConfiguration: { S3: { BucketName: { Ref: Match.stringLikeRegexp('^RecordingBucket') } } },
        Name: Match.absent(),
        RecordingReconnectWindowSeconds: Match.absent(),
        RenditionConfiguration: Match.absent(),
        ThumbnailConfiguration: Match.absent(),
        Tags: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
    expect(stack.resolve(config.recordingConfigurationArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RecordingConfiguration/), 'Arn'] });
    expect(JSON.stringify(stack.resolve(config.recordingConfigurationId))).toContain('Fn::Split');
  });

  test('every prop reaches AWS::IVS::RecordingConfiguration', () => {
    const stack = newStack();
    new RecordingConfiguration(stack, 'Config', {
      bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'my-recordings'),
      recordingConfigurationName: 'config-1',
      recordingReconnectWindow: Duration.seconds(60),
      renditionConfiguration: RenditionConfiguration.custom([Resolution.HD, Resolution.SD]),
      thumbnailConfiguration: ThumbnailConfiguration.interval(Resolution.HD, [Storage.LATEST, Storage.SEQUENTIAL], Duration.seconds(30)),
      tags: { team: 'video' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template(stack).hasResource('AWS::IVS::RecordingConfiguration', {
      Properties: {
        DestinationConfiguration: { S3: { BucketName: 'my-recordings' } },
        Name: 'config-1',
        RecordingReconnectWindowSeconds: 60,
        RenditionConfiguration: { RenditionSelection: 'CUSTOM', Renditions: ['HD', 'SD'] },
        ThumbnailConfiguration: { RecordingMode: 'INTERVAL', Resolution: 'HD', Storage: ['LATEST', 'SEQUENTIAL'], TargetIntervalSeconds: 30 },
        Tags: [{ Key: 'team', Value: 'video' }],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('rendition and thumbnail helpers', () => {
    expect(RenditionConfiguration.all().renditionSelection).toBe(RenditionSelection.ALL);
    expect(RenditionConfiguration.none().renditionSelection).toBe(RenditionSelection.NONE);
    expect(ThumbnailConfiguration.disable().recordingMode).toBe(RecordingMode.DISABLED);
    const stack = newStack();
    new RecordingConfiguration(stack, 'Config', {
      bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'my-recordings'),
      renditionConfiguration: RenditionConfiguration.none(),
      thumbnailConfiguration: ThumbnailConfiguration.disable(),
    });
    template(stack).hasResourceProperties('AWS::IVS::RecordingConfiguration', {
      RenditionConfiguration: { RenditionSelection: 'NONE', Renditions: Match.absent() },
      ThumbnailConfiguration: { RecordingMode: 'DISABLED', TargetIntervalSeconds: Match.absent() },
    });
  });

  test('a channel records with it', () => {
    const stack = newStack();
    const config = new RecordingConfiguration(stack, 'Config', { bucket: new s3.Bucket(stack, 'Bucket') });
    new Channel(stack, 'Channel', { recordingConfiguration: config });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, {
      RecordingConfigurationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Config'), 'Arn'] },
    });
  });

  describe('validation', () => {
    const bucketProps = () => {
      const stack = newStack();
      return { stack, bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'my-recordings') };
    };

    test.each([
      [{ recordingConfigurationName: 'bad name' }, /recordingConfigurationName must be only letters, digits, hyphens and underscores, got 'bad name'/],
      [{ recordingConfigurationName: 'a'.repeat(129) }, /recordingConfigurationName must be at most 128 characters long, got 129/],
      [{ recordingReconnectWindow: Duration.seconds(301) }, /recordingReconnectWindow must be a whole number of seconds from 0 to 300, got 301/],
      [{ recordingReconnectWindow: Duration.millis(500) }, /recordingReconnectWindow must be a whole number of seconds from 0 to 300, got 500 milliseconds/],
      [{ thumbnailConfiguration: ThumbnailConfiguration.interval(undefined, undefined, Duration.seconds(61)) }, /thumbnailConfiguration.targetInterval must be a whole number of seconds from 1 to 60, got 61/],
      [{ thumbnailConfiguration: ThumbnailConfiguration.interval(undefined, undefined, Duration.seconds(0)) }, /thumbnailConfiguration.targetInterval must be a whole number of seconds from 1 to 60, got 0/],
      [{ renditionConfiguration: RenditionConfiguration.custom(['UHD' as Resolution]) }, /renditionConfiguration.renditions\[0\] must be one of SD, HD, FULL_HD, LOWEST_RESOLUTION, got 'UHD'/],
      [{ thumbnailConfiguration: ThumbnailConfiguration.interval(undefined, ['ALL' as Storage]) }, /thumbnailConfiguration.storage\[0\] must be one of SEQUENTIAL, LATEST, got 'ALL'/],
      [{ tags: { ['k'.repeat(129)]: 'v' } }, /tags: tag key 'k+' must be 1 to 128 characters long/],
      [{ removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy must be RemovalPolicy.DESTROY/],
    ])('rejects %p', (props, error) => {
      const { stack, bucket } = bucketProps();
      expect(() => new RecordingConfiguration(stack, 'Config', { bucket, ...props })).toThrow(error);
    });

    test('rejects a bucket name IVS cannot take', () => {
      const stack = newStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'My_Bucket');
      expect(() => new RecordingConfiguration(stack, 'Config', { bucket }))
        .toThrow(/bucket must be a bucket name of lowercase letters, digits, dots and hyphens, got 'My_Bucket'/);
    });
  });

  describe('importers', () => {
    test('fromRecordingConfigurationArn and the alpha name fromArn', () => {
      const stack = newStack();
      for (const imported of [
        RecordingConfiguration.fromRecordingConfigurationArn(stack, 'A', ARN),
        RecordingConfiguration.fromArn(stack, 'B', ARN),
      ]) {
        expect(imported.recordingConfigurationArn).toBe(ARN);
        expect(imported.recordingConfigurationId).toBe('abcdABCDefgh');
        expect(imported.env.region).toBe('us-west-2');
      }
    });

    test('fromRecordingConfigurationId builds the ARN of the stack', () => {
      const stack = newStack();
      const imported = RecordingConfiguration.fromRecordingConfigurationId(stack, 'A', 'abcd');
      expect(imported.recordingConfigurationId).toBe('abcd');
      expect(JSON.stringify(stack.resolve(imported.recordingConfigurationArn))).toContain(':recording-configuration/abcd');
    });

    test('rejects bad ARNs', () => {
      const stack = newStack();
      expect(() => RecordingConfiguration.fromRecordingConfigurationArn(stack, 'A', 'arn:aws:ivs:us-west-2:1:channel/abc'))
        .toThrow(/recordingConfigurationArn must be an IVS recording configuration ARN/);
      expect(() => RecordingConfiguration.fromArn(stack, 'B', `arn:aws:ivs:${stack.region}:1:channel/abc`))
        .toThrow(/got resource type 'channel'/);
    });

    test('accepts a token ARN', () => {
      const stack = newStack();
      const imported = RecordingConfiguration.fromRecordingConfigurationArn(stack, 'A', Fn.importValue('Rc'));
      expect(stack.resolve(imported.recordingConfigurationArn)).toEqual({ 'Fn::ImportValue': 'Rc' });
    });
  });

  test('the enums hold exactly the model values', () => {
    const values = (e: object) => Object.values(e).sort();
    expect(values(Resolution)).toEqual([...IVS_SHAPES.RenditionConfigurationRendition.enum!].sort());
    expect(values(RenditionSelection)).toEqual([...IVS_SHAPES.RenditionConfigurationRenditionSelection.enum!].sort());
    expect(values(RecordingMode)).toEqual([...IVS_SHAPES.RecordingMode.enum!].sort());
    expect(values(Storage)).toEqual([...IVS_SHAPES.ThumbnailConfigurationStorage.enum!].sort());
  });
});
