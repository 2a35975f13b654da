import { ModelValidationError, replacingChanges, resetValue, resourceSchema, validateProperties } from './cfn-schema';

// The harness reads CloudFormation's resource schemas from aws-cdk's spec database; these are the
// facts of the user guide pages (aws-resource-ivs-*) the simulated types rely on.

test('the IVS schemas: createOnly properties, attributes, defaults', () => {
  const channel = resourceSchema('AWS::IVS::Channel')!;
  const key = resourceSchema('AWS::IVS::StreamKey')!;
  const pair = resourceSchema('AWS::IVS::PlaybackKeyPair')!;
  const rc = resourceSchema('AWS::IVS::RecordingConfiguration')!;
  // "Update requires: No interruption" for every channel property; ChannelArn of a key: Replacement
  expect(Object.entries(channel.properties).filter(([, p]) => p.createOnly)).toEqual([]);
  expect(Object.entries(key.properties).filter(([, p]) => p.createOnly).map(([k]) => k)).toEqual(['ChannelArn']);
  expect(Object.entries(pair.properties).filter(([, p]) => p.createOnly).map(([k]) => k).sort()).toEqual(['Name', 'PublicKeyMaterial']);
  expect(Object.entries(rc.properties).filter(([, p]) => !p.createOnly).map(([k]) => k)).toEqual(['Tags']);
  expect([...channel.attributes].sort()).toEqual(['Arn', 'IngestEndpoint', 'PlaybackUrl']);
  expect([...key.attributes].sort()).toEqual(['Arn', 'Value']);
  expect(key.properties.ChannelArn.required).toBe(true);
  expect(channel.properties.LatencyMode.defaultValue).toBe('LOW');
  expect(channel.properties.Authorized.defaultValue).toBe(false);
  expect(resetValue(channel.properties.MultitrackInputConfiguration)).toEqual({ Enabled: false });
  expect(resetValue(channel.properties.Preset)).toBe('');
  expect(resourceSchema('AWS::Nope::Nothing')).toBeUndefined();
});

test('validation converts template strings to the schema types and names every refusal', () => {
  const channel = resourceSchema('AWS::IVS::Channel')!;
  expect(validateProperties(channel, { Authorized: 'true', MultitrackInputConfiguration: { Enabled: 'false' }, Tags: [{ Key: 'a', Value: 1 }] }))
    .toEqual({ Authorized: true, MultitrackInputConfiguration: { Enabled: false }, Tags: [{ Key: 'a', Value: '1' }] });
  expect(() => validateProperties(channel, { MultitrackInputConfiguration: { On: true }, Tags: [{ Key: 'a' }] })).toThrow(new ModelValidationError([
    '#/MultitrackInputConfiguration: extraneous key [On] is not permitted', '#/Tags/0: required key [Value] not found',
  ]));
  const rc = resourceSchema('AWS::IVS::RecordingConfiguration')!;
  expect(replacingChanges(rc, { DestinationConfiguration: { S3: { BucketName: 'a' } } }, { DestinationConfiguration: { S3: { BucketName: 'b' } } })).toEqual(['DestinationConfiguration']);
  expect(replacingChanges(rc, { Tags: [] }, { Tags: [{ Key: 'a', Value: 'b' }] })).toEqual([]);
});
