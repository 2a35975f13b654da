import { CHANNEL_ATTRIBUTES, CHANNEL_FIELDS, RESOURCE_TYPES, rtmpsIngestUrl } from '../../lib/contract';

describe('contract', () => {
  test('rtmpsIngestUrl is the documented RTMPS URL of an ingest endpoint', () => {
    expect(rtmpsIngestUrl('a1b2c3d4e5f6.global-contribute.live-video.net'))
      .toBe('rtmps://a1b2c3d4e5f6.global-contribute.live-video.net:443/app/');
  });

  test('every custom resource type is a Custom:: type', () => {
    for (const type of Object.values(RESOURCE_TYPES)) {
      expect(type).toMatch(/^Custom::Ivs[A-Za-z]+$/);
    }
  });

  test('attribute names equal their keys; the channel carries the fields the constructs set', () => {
    for (const [key, name] of Object.entries(CHANNEL_ATTRIBUTES)) {
      expect(name).toBe(key);
    }
    expect(Object.keys(CHANNEL_FIELDS)).toEqual(expect.arrayContaining(['CodeHash', 'SecretArn', 'ExposeStreamKeyValue', 'Tags']));
  });
});
