import { ConflictException } from '@aws-sdk/client-ivs';
import { errorText, failureReason, messageOf } from '../../lambda/errors';
import { makeEvent } from './helpers';

describe('errorText', () => {
  test('prefers IVS exceptionMessage over the SDK message', () => {
    const error = new ConflictException({ $metadata: {}, message: 'UnknownError', exceptionMessage: 'stream is live' });
    expect(errorText(error)).toBe('ConflictException: stream is live');
  });

  test('falls back to the message, then to the name', () => {
    expect(errorText(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))).toBe('ThrottlingException: Rate exceeded');
    expect(errorText(Object.assign(new Error('UnknownError'), { name: 'InternalServerException' }))).toBe('InternalServerException');
    expect(errorText(new Error('plain'))).toBe('plain');
    expect(errorText(Object.assign(new Error('AbortError: aborted'), { name: 'AbortError' }))).toBe('AbortError: aborted');
  });

  test('handles values that are not errors', () => {
    expect(errorText('text')).toBe('text');
    expect(messageOf(42)).toBe('42');
  });
});

test('the reason is cut to a size that fits CloudFormation\'s response', () => {
  const reason = failureReason(makeEvent('Custom::IvsChannel', 'Create'), new Error('x'.repeat(5000)));
  expect(reason).toHaveLength(1000);
  expect(reason.endsWith('...')).toBe(true);
});
