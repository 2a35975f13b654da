import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { RESOURCE_TYPES } from '../../lib/contract';
import { Channel, PlaybackRestrictionPolicy } from '../../lib';
import { newStack, template } from './helpers';

const ARN = 'arn:aws:ivs:us-west-2:123456789012:playback-restriction-policy/ABcdef34ghIJ';

describe('PlaybackRestrictionPolicy', () => {
  test('defaults: all countries and origins', () => {
    const stack = newStack();
    new PlaybackRestrictionPolicy(stack, 'Policy');
    template(stack).hasResource('AWS::IVS::PlaybackRestrictionPolicy', {
      Properties: {
        AllowedCountries: [],
        AllowedOrigins: [],
        EnableStrictOriginEnforcement: Match.absent(),
        Name: Match.absent(),
        Tags: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('every prop reaches the template; a channel uses it', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const policy = new PlaybackRestrictionPolicy(stack, 'Policy', {
      allowedCountries: ['US', 'DE'],
      allowedOrigins: ['https://example.com'],
      enableStrictOriginEnforcement: true,
      playbackRestrictionPolicyName: 'eu-us',
      tags: { team: 'video' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new Channel(stack, 'Channel', { playbackRestrictionPolicy: policy });
    // THEN
    const t = template(stack);
    t.hasResource('AWS::IVS::PlaybackRestrictionPolicy', {
      Properties: {
        AllowedCountries: ['US', 'DE'],
        AllowedOrigins: ['https://example.com'],
        EnableStrictOriginEnforcement: true,
        Name: 'eu-us',
        Tags: [{ Key: 'team', Value: 'video' }],
      },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties(RESOURCE_TYPES.channel, {
      PlaybackRestrictionPolicyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Policy'), 'Arn'] },
    });
  });

  test.each([
    [{ allowedCountries: ['USA'] }, /allowedCountries\[0\] must be at most 2 characters long, got 3: 'USA'/],
    [{ allowedCountries: ['U'] }, /allowedCountries\[0\] must be at least 2 characters long, got 'U'/],
    [{ allowedOrigins: [`https://${'a'.repeat(130)}`] }, /allowedOrigins\[0\] must be at most 128 characters long/],
    [{ playbackRestrictionPolicyName: 'a b' }, /playbackRestrictionPolicyName must be only letters, digits, hyphens and underscores, got 'a b'/],
    [{ tags: { k: 'v'.repeat(257) } }, /tags: the value of tag 'k' must be at most 256 characters long, got 257/],
    [{ removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy must be/],
  ])('rejects %p', (props, error) => {
    const stack = newStack();
    expect(() => new PlaybackRestrictionPolicy(stack, 'Policy', props)).toThrow(error);
  });

  describe('fromPlaybackRestrictionPolicyArn', () => {
    test('imports a policy a channel can use', () => {
      const stack = newStack();
      const policy = PlaybackRestrictionPolicy.fromPlaybackRestrictionPolicyArn(stack, 'Policy', ARN);
      new Channel(stack, 'Channel', { playbackRestrictionPolicy: policy });
      template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { PlaybackRestrictionPolicyArn: ARN });
    });

    test('rejects bad ARNs, accepts tokens', () => {
      const stack = newStack();
      expect(() => PlaybackRestrictionPolicy.fromPlaybackRestrictionPolicyArn(stack, 'A', 'arn:aws:ivs:us-west-2:1:channel/x'))
        .toThrow(/playbackRestrictionPolicyArn must be an IVS playback restriction policy ARN/);
      expect(() => PlaybackRestrictionPolicy.fromPlaybackRestrictionPolicyArn(stack, 'B', `arn:aws:ivs:${stack.region}:1:channel/x`))
        .toThrow(/got resource type 'channel'/);
      const imported = PlaybackRestrictionPolicy.fromPlaybackRestrictionPolicyArn(stack, 'C', Fn.importValue('P'));
      expect(stack.resolve(imported.playbackRestrictionPolicyArn)).toEqual({ 'Fn::ImportValue': 'P' });
    });
  });
});
