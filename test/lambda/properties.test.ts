import { CHANNEL_FIELDS } from '../../lib/contract';
import { parseProperties } from '../../lambda/properties';

const SCHEMA = { Count: 'number', Flag: 'boolean', Text: 'string', Map: 'stringMap', Nested: { On: 'boolean' } } as const;

test('parses the strings CloudFormation sends by the declared types', () => {
  // GIVEN properties as CloudFormation hands them over
  const raw = { ServiceToken: 'arn:aws:lambda:...', Count: '5', Flag: 'true', Text: 'x', Map: { a: 'b' }, Nested: { On: 'false' } };

  // WHEN
  const parsed = parseProperties(SCHEMA, raw);

  // THEN undeclared properties are dropped
  expect(parsed).toEqual({ Count: 5, Flag: true, Text: 'x', Map: { a: 'b' }, Nested: { On: false } });
});

test('accepts real booleans and numbers too', () => {
  expect(parseProperties(SCHEMA, { Count: 7, Flag: false })).toEqual({ Count: 7, Flag: false });
});

test('absent properties parse to nothing', () => {
  expect(parseProperties(CHANNEL_FIELDS, undefined)).toEqual({});
});

test.each([
  [{ Flag: 'yes' }, 'property Flag must be "true" or "false", got "yes"'],
  [{ Count: '' }, 'property Count must be a number, got ""'],
  [{ Count: 'five' }, 'property Count must be a number, got "five"'],
  [{ Text: 5 }, 'property Text must be a string, got 5'],
  [{ Map: { a: 1 } }, 'property Map must be a map of strings, got {"a":1}'],
  [{ Nested: 'on' }, 'properties Nested must be an object, got "on"'],
  [{ Nested: { On: 'maybe' } }, 'property Nested.On must be "true" or "false", got "maybe"'],
  [{ Flag: ['x'.repeat(200)] }, /got \["x{75}\.\.\.$/],
])('rejects %j with a clear message', (raw, message) => {
  expect(() => parseProperties(SCHEMA, raw)).toThrow(message);
});

test('rejects properties that are not an object', () => {
  expect(() => parseProperties(SCHEMA, 'x')).toThrow('properties must be an object, got "x"');
});
