// The model layer on its own: corrections, the generic validator, routes and response shaping.
import { IVS_OPERATIONS, IVS_SHAPES } from '../../lib/generated/ivs-model';
import { MODEL_CORRECTIONS, redact, ROUTES, routeIvs, shapeOutput, SHAPES, validate } from './model';
import { IVS_HANDLERS } from './ivs';
import { IVS_RATE_LIMITS } from './throttle';

const CHANNEL_ARN = 'arn:aws:ivs:us-east-1:111111111111:channel/AbCdEf123456';

describe('MODEL_CORRECTIONS', () => {
  test('the ResourceArn correction is still needed: the model pattern matches no real ARN', () => {
    // If this fails, the model was fixed upstream: drop the correction in model.ts.
    expect(new RegExp(IVS_SHAPES.ResourceArn.pattern!).test(CHANNEL_ARN)).toBe(false);
    expect(new RegExp(SHAPES.ResourceArn.pattern!).test(CHANNEL_ARN)).toBe(true);
    expect(SHAPES.ResourceArn.pattern).toBe('^arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]+/[a-zA-Z0-9-]+$');
  });

  test('adConfigurationArn is an extension member of the channel shapes only', () => {
    for (const s of Object.keys(MODEL_CORRECTIONS.members)) {
      expect(IVS_SHAPES[s].members!.adConfigurationArn).toBeUndefined();
      expect(SHAPES[s].members!.adConfigurationArn).toEqual({ target: 'ChannelAdConfigurationArn' });
    }
    expect(validate('CreateChannelRequest', { adConfigurationArn: 'arn:aws:ivs:us-east-1:1:channel/x' }).violations).toHaveLength(1);
  });

  test('every other shape is the generated one', () => {
    const changed = Object.keys(SHAPES).filter((k) => SHAPES[k] !== IVS_SHAPES[k]);
    expect(changed.sort()).toEqual([...Object.keys(MODEL_CORRECTIONS.shapes), ...Object.keys(MODEL_CORRECTIONS.members)].sort());
  });
});

describe('validate (generated from the model, for every operation)', () => {
  test.each(Object.entries(IVS_OPERATIONS))('%s: an empty input misses exactly the required members', (_name, op) => {
    const required = Object.entries(SHAPES[op.input].members ?? {}).filter(([, m]) => m.required).map(([n]) => n);
    const { violations } = validate(op.input, {});
    expect(violations).toEqual(required.map((n) => `Value null at '${n}' failed to satisfy constraint: Member must not be null`));
  });

  test('walks nested structures, lists and maps with Coral-style paths', () => {
    const { violations } = validate('BatchStartViewerSessionRevocationRequest', {
      viewerSessions: [{ channelArn: CHANNEL_ARN, viewerId: 'v' }, { channelArn: 'nope', viewerId: '' }],
    });
    expect(violations).toEqual([
      "Value 'nope' at 'viewerSessions.2.member.channelArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel/[a-zA-Z0-9-]+$",
      "Value '' at 'viewerSessions.2.member.viewerId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
    expect(validate('CreateChannelRequest', { tags: { k: 'v'.repeat(257) } }).violations).toEqual([
      `Value '${'v'.repeat(257)}' at 'tags.k' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]`,
    ]);
  });

  test('types are checked, unknown members reported (and otherwise ignored)', () => {
    const r = validate('CreateChannelRequest', { authorized: 'yes', extra: 1 });
    expect(r.violations).toEqual(["Value 'yes' at 'authorized' failed to satisfy constraint: Member must be a boolean"]);
    expect(r.unknownMembers).toEqual(['extra']);
  });

  test('sensitive values never appear in messages or redacted inputs', () => {
    const { violations } = validate('PutMetadataRequest', { channelArn: CHANNEL_ARN, metadata: '' });
    expect(violations).toEqual(["Value '*** Sensitive Data Redacted ***' at 'metadata' failed to satisfy constraint: Member must have length greater than or equal to 1"]);
    expect(redact('PutMetadataRequest', { channelArn: CHANNEL_ARN, metadata: 'secret' })).toEqual({ channelArn: CHANNEL_ARN, metadata: '*** Sensitive Data Redacted ***' });
  });
});

describe('routes', () => {
  test('one per operation, from the http traits; labels and query members bind to the input', () => {
    expect(ROUTES.map((r) => r.operation).sort()).toEqual(Object.keys(IVS_OPERATIONS).sort());
    const encoded = encodeURIComponent(CHANNEL_ARN);
    expect(routeIvs('DELETE', `/tags/${encoded}`, new URLSearchParams('tagKeys=a&tagKeys=b'), '')).toEqual({
      operation: 'UntagResource', input: { resourceArn: CHANNEL_ARN, tagKeys: ['a', 'b'] },
    });
    expect(routeIvs('GET', `/tags/${encoded}`, new URLSearchParams(), '')).toEqual({ operation: 'ListTagsForResource', input: { resourceArn: CHANNEL_ARN } });
    expect(routeIvs('POST', '/CreateChannel', new URLSearchParams(), '[1]')).toEqual({ error: 'badJson', operation: 'CreateChannel' });
    expect(routeIvs('GET', '/CreateChannel', new URLSearchParams(), '')).toEqual({ error: 'notFound' });
  });

  test('every model operation has a rate limit; every served one a handler of a model operation', () => {
    expect(Object.keys(IVS_RATE_LIMITS).sort()).toEqual(Object.keys(IVS_OPERATIONS).sort());
    for (const op of Object.keys(IVS_HANDLERS)) expect(IVS_OPERATIONS[op]).toBeDefined();
  });
});

describe('shapeOutput', () => {
  test('keeps only model members, renders date-time timestamps, and refuses output the model forbids', () => {
    const start = new Date('2024-01-02T03:04:05.000Z');
    expect(shapeOutput('GetStreamResponse', { stream: { channelArn: CHANNEL_ARN, startTime: start, internal: 1 }, other: 2 })).toEqual({
      stream: { channelArn: CHANNEL_ARN, startTime: '2024-01-02T03:04:05.000Z' },
    });
    expect(() => shapeOutput('ListChannelsResponse', {})).toThrow(/emulator response violates the IVS model .*'channels'/);
    // IVS answers "" for an unset enum such as preset: allowed in output only.
    expect(shapeOutput('ChannelSummary', { preset: '' })).toEqual({ preset: '' });
  });
});
