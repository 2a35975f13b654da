import { jsonEqual, referencedIds, Resolver, stringifyScalars, TemplateError, type JsonObject } from './intrinsics';

const pseudo = {
  accountId: '111122223333', region: 'eu-central-1', partition: 'aws', urlSuffix: 'amazonaws.com',
  stackId: 'arn:aws:cloudformation:eu-central-1:111122223333:stack/S/guid', stackName: 'S',
};

function resolver(template: JsonObject = {}, parameters?: Record<string, string>): Resolver {
  return new Resolver({
    template,
    pseudo,
    parameters,
    imports: { SharedVpc: 'vpc-123' },
    resources: {
      ref: (id) => {
        if (id === 'Chan') return 'arn:aws:ivs:eu-central-1:111122223333:channel/abc';
        throw new TemplateError(`no ${id}`);
      },
      getAtt: (id, attr) => {
        if (id === 'Chan' && attr === 'IngestEndpoint') return 'x.global-contribute.live-video.net';
        if (id === 'Chan' && attr === 'Nums') return ['1', '2'];
        throw new TemplateError(`CustomResource attribute error: Vendor response doesn't contain ${attr} key in object ${id}`);
      },
    },
  });
}

describe('Resolver', () => {
  test('pseudo parameters, parameters with defaults and lists', () => {
    const r = resolver({ Parameters: { P: { Type: 'String', Default: 'd' }, L: { Type: 'CommaDelimitedList' }, Q: { Type: 'String' } } }, { L: 'a,b' });
    expect(r.resolve({ Ref: 'AWS::Region' })).toBe('eu-central-1');
    expect(r.resolve({ Ref: 'AWS::AccountId' })).toBe('111122223333');
    expect(r.resolve({ Ref: 'AWS::StackId' })).toBe(pseudo.stackId);
    expect(r.resolve({ Ref: 'AWS::StackName' })).toBe('S');
    expect(r.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(r.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(r.resolve({ Ref: 'AWS::NotificationARNs' })).toEqual([]);
    expect(r.resolve({ Ref: 'P' })).toBe('d');
    expect(r.resolve({ Ref: 'L' })).toEqual(['a', 'b']);
    expect(() => r.resolve({ Ref: 'Q' })).toThrow(/Parameters: \[Q\] must have values/);
  });

  test('Ref and GetAtt of resources, both GetAtt spellings', () => {
    const r = resolver();
    expect(r.resolve({ Ref: 'Chan' })).toMatch(/channel\/abc$/);
    expect(r.resolve({ 'Fn::GetAtt': ['Chan', 'IngestEndpoint'] })).toBe('x.global-contribute.live-video.net');
    expect(r.resolve({ 'Fn::GetAtt': 'Chan.IngestEndpoint' })).toBe('x.global-contribute.live-video.net');
    expect(() => r.resolve({ 'Fn::GetAtt': ['Chan', 'Nope'] })).toThrow(/Vendor response doesn't contain Nope key/);
  });

  test('Join, Select, Split, Base64, GetAZs, ImportValue, FindInMap', () => {
    const r = resolver({ Mappings: { M: { 'eu-central-1': { Tier: 'basic' } } } });
    expect(r.resolve({ 'Fn::Join': ['', ['rtmps://', { 'Fn::GetAtt': ['Chan', 'IngestEndpoint'] }, ':443/app/']] }))
      .toBe('rtmps://x.global-contribute.live-video.net:443/app/');
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'Chan' }] }] })).toBe('abc');
    expect(r.resolve({ 'Fn::Select': ['0', { 'Fn::GetAtt': ['Chan', 'Nums'] }] })).toBe('1');
    expect(() => r.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/cannot select index 5/);
    expect(r.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(r.resolve({ 'Fn::GetAZs': '' })).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(r.resolve({ 'Fn::ImportValue': 'SharedVpc' })).toBe('vpc-123');
    expect(() => r.resolve({ 'Fn::ImportValue': 'Nope' })).toThrow(/No export named Nope/);
    expect(r.resolve({ 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Tier'] })).toBe('basic');
  });

  test('Sub: pseudo parameters, resources, attributes, variables, literals', () => {
    const r = resolver();
    expect(r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' }))
      .toBe('arn:aws:secretsmanager:eu-central-1:111122223333:secret:*');
    expect(r.resolve({ 'Fn::Sub': '${Chan.IngestEndpoint}|${Chan}|${!Literal}' }))
      .toBe('x.global-contribute.live-video.net|arn:aws:ivs:eu-central-1:111122223333:channel/abc|${Literal}');
    expect(r.resolve({ 'Fn::Sub': ['${A}-${AWS::StackName}', { A: { Ref: 'AWS::Region' } }] })).toBe('eu-central-1-S');
  });

  test('conditions, Fn::If and AWS::NoValue remove keys and list elements', () => {
    const r = resolver({
      Parameters: { Env: { Type: 'String', Default: 'prod' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Both: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] },
        Either: { 'Fn::Or': [{ Condition: 'IsDev' }, { Condition: 'Both' }] },
      },
    });
    expect(r.condition('IsProd')).toBe(true);
    expect(r.condition('IsDev')).toBe(false);
    expect(r.condition('Both')).toBe(true);
    expect(r.condition('Either')).toBe(true);
    expect(r.resolve({
      A: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] },
      B: ['keep', { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'x'] }],
      C: { 'Fn::If': ['IsProd', 'yes', 'no'] },
    })).toEqual({ B: ['keep'], C: 'yes' });
    expect(() => r.condition('Missing')).toThrow(TemplateError);
  });

  test('an intrinsic the harness does not implement is an error, not a silent pass', () => {
    expect(() => resolver().resolve({ 'Fn::Transform': {} })).toThrow(/does not implement Fn::Transform/);
  });
});

test('stringifyScalars converts every scalar, recursively, as CloudFormation hands properties over', () => {
  expect(stringifyScalars({ a: 5, b: true, c: false, d: 2.5, e: 'x', f: [1, { g: false, h: [0] }], n: null }))
    .toEqual({ a: '5', b: 'true', c: 'false', d: '2.5', e: 'x', f: ['1', { g: 'false', h: ['0'] }], n: null });
});

test('referencedIds finds Ref, GetAtt (both spellings) and Sub references, not pseudo parameters or Sub variables', () => {
  const ids = referencedIds({
    A: { Ref: 'One' },
    B: [{ 'Fn::GetAtt': ['Two', 'Arn'] }, { 'Fn::GetAtt': 'Three.Arn' }],
    C: { 'Fn::Sub': ['${Four.Attr}-${Five}-${Local}-${AWS::Region}-${!Not}', { Local: { Ref: 'Six' } }] },
    D: { Ref: 'AWS::StackId' },
  });
  expect([...ids].sort()).toEqual(['Five', 'Four', 'One', 'Six', 'Three', 'Two']);
});

test('jsonEqual ignores key order only', () => {
  expect(jsonEqual({ a: ['1', { b: '2', c: '3' }] }, { a: ['1', { c: '3', b: '2' }] })).toBe(true);
  expect(jsonEqual({ a: ['1', '2'] }, { a: ['2', '1'] })).toBe(false);
  expect(jsonEqual({ a: '1' }, { a: '1', b: undefined })).toBe(false);
});
