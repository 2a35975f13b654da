// Shared fixtures for the handler tests: events as CloudFormation sends them (scalars as strings),
// a Lambda context with a chosen remaining time, and IVS answers.

import type { Channel, StreamKey } from '@aws-sdk/client-ivs';
import { ConflictException, ResourceNotFoundException, ServiceQuotaExceededException } from '@aws-sdk/client-ivs';
import { REQUEST_TAG } from '../../lib/contract';
import { DEADLINE_MARGIN_MS } from '../../lambda/clients';
import type { CustomResourceEvent, LambdaContext, RequestType } from '../../lambda/types';

export const REGION = 'us-east-1';
export const CHANNEL_ARN = 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCDefgh';
export const STREAM_KEY_ARN = 'arn:aws:ivs:us-east-1:123456789012:stream-key/key1ABCDefgh';
export const NEW_STREAM_KEY_ARN = 'arn:aws:ivs:us-east-1:123456789012:stream-key/key2ABCDefgh';
export const KEY_PAIR_ARN = 'arn:aws:ivs:us-east-1:123456789012:playback-key/pair1ABCDefgh';
/** The RequestId of every event (a UUID, as CloudFormation's), the value of the request tag. */
export const REQUEST_ID = '0b6c8f3e-5d2a-4e1b-9c7d-1a2b3c4d5e6f';
/** The REQUEST_TAG value a create sends: this request's ID, the start of the invocation and the time of the create (base 36), and the event's hash. */
export const CREATE_TAG = expect.stringMatching(new RegExp(`^${REQUEST_ID} [0-9a-z]+ [0-9a-z]+ [0-9A-Za-z_-]{22}$`));
/** A REQUEST_TAG value of a resource another delivery of this request made, early, as a list shows it. */
export const MADE_TAG = `${REQUEST_ID} 1`;

/** A resource `arn` as a list shows it after `create` (a mocked command) made it: with the tag it sent. */
type Mock = { commandCalls(command: any): Array<{ args: any[] }> };
export function madeBy(mock: Mock, create: unknown, arn: string): { arn: string; tags: { [k: string]: string } } {
  return { arn, tags: { [REQUEST_TAG]: sentTag(mock, create) ?? '' } };
}

/** The REQUEST_TAG value the calls of one command sent (e.g. the create's: this invocation's). */
export function sentTag(mock: Mock, command: unknown): string | undefined {
  const calls = mock.commandCalls(command);
  return calls[calls.length - 1]?.args[0].input.tags?.[REQUEST_TAG];
}
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cdk-ivs-Channel-AbCdEf';
export const INGEST_ENDPOINT = 'a1b2c3d4e5f6.global-contribute.live-video.net';
export const SRT_ENDPOINT = 'a1b2c3d4e5f6.srt.live-video.net';
/** Secrets: the log tests assert that none of them appears in any log line. */
export const STREAM_KEY_VALUE = 'sk_us-east-1_SeCrEtStReAmKeYvAlUe0001';
export const NEW_STREAM_KEY_VALUE = 'sk_us-east-1_SeCrEtStReAmKeYvAlUe0002';
export const SRT_PASSPHRASE = 'SrTpAsSpHrAsEsEcReT0001';

/** A custom resource event; `props` as CloudFormation hands them over (strings), plus ServiceToken. */
export function makeEvent(
  resourceType: string,
  requestType: RequestType,
  props: { [name: string]: unknown } = {},
  extra: { PhysicalResourceId?: string; OldResourceProperties?: { [name: string]: unknown }; LogicalResourceId?: string } = {},
): CustomResourceEvent {
  const serviceToken = 'arn:aws:lambda:us-east-1:123456789012:function:CdkIvsProvider';
  return {
    RequestType: requestType,
    ResourceType: resourceType,
    LogicalResourceId: extra.LogicalResourceId ?? 'Resource',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/11111111-2222-3333-4444-555555555555',
    RequestId: REQUEST_ID,
    ...(extra.PhysicalResourceId !== undefined && { PhysicalResourceId: extra.PhysicalResourceId }),
    ResourceProperties: { ServiceToken: serviceToken, CodeHash: 'hash1', ...props },
    ...(extra.OldResourceProperties && {
      OldResourceProperties: { ServiceToken: serviceToken, CodeHash: 'hash1', ...extra.OldResourceProperties },
    }),
  };
}

/** A Lambda context whose deadline (remaining time minus the handler's margin) is `deadlineMs` away. */
export function makeContext(deadlineMs = 120_000): LambdaContext {
  const end = Date.now() + DEADLINE_MARGIN_MS + deadlineMs;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}

export function ivsChannel(overrides: Partial<Channel> = {}): Channel {
  return {
    arn: CHANNEL_ARN,
    name: 'my-channel',
    latencyMode: 'LOW',
    type: 'STANDARD',
    authorized: false,
    insecureIngest: false,
    recordingConfigurationArn: '',
    playbackRestrictionPolicyArn: '',
    ingestEndpoint: INGEST_ENDPOINT,
    playbackUrl: 'https://a1b2c3d4e5f6.us-east-1.playback.live-video.net/api/video/v1/us-east-1.123456789012.channel.abcdABCDefgh.m3u8',
    srt: { endpoint: SRT_ENDPOINT, passphrase: SRT_PASSPHRASE },
    containerFormat: 'TS',
    tags: {},
    ...overrides,
  };
}

export function ivsStreamKey(overrides: Partial<StreamKey> = {}): StreamKey {
  return { arn: STREAM_KEY_ARN, value: STREAM_KEY_VALUE, channelArn: CHANNEL_ARN, tags: {}, ...overrides };
}

/** IVS errors as the SDK builds them: text in exceptionMessage, a bare "UnknownError" message. */
export function notFound(text = 'Resource not found'): ResourceNotFoundException {
  return new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'UnknownError', exceptionMessage: text });
}

export function conflict(text = 'Unable to perform: DeleteChannel while stream is live'): ConflictException {
  return new ConflictException({ $metadata: { httpStatusCode: 409 }, message: 'UnknownError', exceptionMessage: text });
}

export function quotaExceeded(text = 'Request would cause a service quota to be exceeded.'): ServiceQuotaExceededException {
  return new ServiceQuotaExceededException({ $metadata: { httpStatusCode: 402 }, message: 'UnknownError', exceptionMessage: text });
}

/** An SDK answer or error as it comes after `attempts` attempts (the SDK retried). */
export function afterAttempts<T extends object>(attempts: number, answer: T): T & { $metadata: { attempts: number } } {
  const $metadata = { ...(answer as { $metadata?: object }).$metadata, attempts };
  return Object.assign(answer, { $metadata });
}

/** The error a handler call rejected with (fails the test when it resolved). */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the handler to fail');
}

/** Another account and region, reached through a role (TARGET_FIELDS). */
export const OTHER_ACCOUNT = '222222222222';
export const OTHER_REGION = 'us-west-2';
export const ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/IvsCrossAccount`;
export const EXTERNAL_ID = 'cdk-ivs-external-id-0001';
export const OTHER_CHANNEL_ARN = `arn:aws:ivs:${OTHER_REGION}:${OTHER_ACCOUNT}:channel/otherABCDefgh`;
export const OTHER_STREAM_KEY_ARN = `arn:aws:ivs:${OTHER_REGION}:${OTHER_ACCOUNT}:stream-key/otherKeyDefgh`;

/** What STS AssumeRole answers; the secret access key and session token are secrets too. */
export const ASSUMED = {
  AccessKeyId: 'ASIAEXAMPLEASSUMED01',
  SecretAccessKey: 'AsSuMeDsEcReTaCcEsSkEy0001',
  SessionToken: 'AsSuMeDsEsSiOnToKeN0001',
  Expiration: new Date('2026-12-01T22:00:00Z'),
};

/** The credentials the SDK signs with after that AssumeRole. */
export const ASSUMED_CREDENTIALS = {
  accessKeyId: ASSUMED.AccessKeyId,
  secretAccessKey: ASSUMED.SecretAccessKey,
  sessionToken: ASSUMED.SessionToken,
  expiration: ASSUMED.Expiration,
};

/**
 * An answer given as the SDK gives it: after resolving the client's credentials, as its signer does
 * before sending (aws-sdk-client-mock replaces `send`, so nothing else would run an assumed role's AssumeRole).
 * For aws-sdk-client-mock's `callsFake`; an Error is thrown instead of returned.
 */
export function signed(answer: object | (() => object)) {
  return async (_input: unknown, getClient: () => { config: { credentials: () => Promise<unknown> } }) => {
    await getClient().config.credentials();
    const value = typeof answer === 'function' ? answer() : answer;
    if (value instanceof Error) throw value;
    return value;
  };
}
