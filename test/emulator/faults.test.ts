// Rate limits and injected faults, seen through the real SDK (its retries included).
import {
  CreateChannelCommand, DeleteChannelCommand, GetChannelCommand, GetStreamCommand, IvsClient, ListChannelsCommand, ListPlaybackKeyPairsCommand,
  UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { IvsEmulator, SECOND_ACCOUNT_ID, Throttle, startEmulator } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  emulator.faults.clear();
  emulator.throttle.reset();
  emulator.throttle.enabled = true;
  // Buckets refill 1000 times slower than real time, so a burst stays a burst on a loaded machine.
  emulator.throttle.timeScale = 0.001;
});

function ivsClient(maxAttempts: number): IvsClient {
  return new IvsClient({ ...emulator.clientConfig(), maxAttempts });
}

describe('rate limits (IVS service quotas)', () => {
  test('a burst over 5 TPS of CreateChannel answers ThrottlingException (429) when retries are off', async () => {
    const ivs = ivsClient(1);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => ivs.send(new CreateChannelCommand({ name: `c${i}` }))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(rejected).toHaveLength(3);
    for (const r of rejected) {
      expect(r.reason.name).toBe('ThrottlingException');
      expect(r.reason.$metadata.httpStatusCode).toBe(429);
      expect(r.reason.exceptionMessage).toBe('Request was denied due to request throttling.');
    }
    expect(emulator.calls({ operation: 'CreateChannel', status: 429 })).toHaveLength(3);
    expect(emulator.state.snapshot().channels).toHaveLength(5);
    // Other operations have their own bucket.
    await ivs.send(new ListChannelsCommand({}));
  });

  test('playback key pair operations allow 3 TPS', async () => {
    const ivs = ivsClient(1);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => ivs.send(new ListPlaybackKeyPairsCommand({}))));
    expect(results.map((r) => r.status).filter((s) => s === 'rejected')).toHaveLength(2);
  });

  test('the SDK retries its way through throttling', async () => {
    // 8 calls at once against a burst of 5 that refills 5 per second: one is throttled unless they spread over 0.6 s
    emulator.throttle.timeScale = 1;
    const ivs = ivsClient(10);
    await Promise.all(Array.from({ length: 8 }, (_, i) => ivs.send(new CreateChannelCommand({ name: `c${i}` }))));
    expect(emulator.state.snapshot().channels).toHaveLength(8);
    expect(emulator.calls({ operation: 'CreateChannel', status: 429 }).length).toBeGreaterThan(0);
  });

  test('timeScale speeds up the refill', () => {
    // GIVEN buckets of 5 TPS, emptied at t = 0, at real time and 40 times faster
    const buckets = [1, 40].map((timeScale) => new Throttle({ timeScale }));
    for (const b of buckets) for (let i = 0; i < 5; i++) expect(b.take('ivs', 'CreateChannel', 'a', 'r', 0)).toBe(true);
    // THEN 25 ms later: 0.125 tokens at real time (refused), 5 at 40x (five taken, the sixth refused)
    expect(buckets[0].take('ivs', 'CreateChannel', 'a', 'r', 25)).toBe(false);
    expect(Array.from({ length: 6 }, () => buckets[1].take('ivs', 'CreateChannel', 'a', 'r', 25))).toEqual([true, true, true, true, true, false]);
  });

  test('rates can be changed or switched off at run time', async () => {
    emulator.throttle.setRate('GetChannel', 1);
    const ivs = ivsClient(1);
    const arn = (await ivs.send(new CreateChannelCommand({}))).channel!.arn!;
    await ivs.send(new GetChannelCommand({ arn }));
    expect((await failure(ivs.send(new GetChannelCommand({ arn })))).name).toBe('ThrottlingException');
    emulator.throttle.enabled = false;
    await ivs.send(new GetChannelCommand({ arn }));
    emulator.throttle.setRate('GetChannel', 5);
  });
});

describe('fault injection', () => {
  test('a burst of 5xx: the SDK retries and succeeds; the log shows the injected errors', async () => {
    // GIVEN
    const rules = emulator.faults.set('CreateChannel', { error: 'InternalServerException', times: 2 });
    // WHEN
    const out = await ivsClient(3).send(new CreateChannelCommand({ name: 'after-faults' }));
    // THEN
    expect(out.$metadata.attempts).toBe(3);
    expect(rules[0].applied).toBe(2);
    expect(emulator.calls('CreateChannel').map((e) => [e.status, e.errorType, e.fault])).toEqual([
      [500, 'InternalServerException', 'error'],
      [500, 'InternalServerException', 'error'],
      [200, undefined, undefined],
    ]);
    expect(emulator.state.snapshot().channels).toHaveLength(1);
  });

  test('an injected error with retries off reaches the caller with the model status', async () => {
    emulator.faults.set('GetChannel', { error: 'AccessDeniedException', message: 'denied for the test' });
    const err = await failure(ivsClient(1).send(new GetChannelCommand({ arn: 'arn:aws:ivs:us-east-1:111111111111:channel/abc' })));
    expect([err.name, err.$metadata.httpStatusCode, err.exceptionMessage]).toEqual(['AccessDeniedException', 403, 'denied for the test']);
  });

  test('connection resets: the SDK sees ECONNRESET and retries', async () => {
    emulator.faults.set('ListChannels', { reset: true, times: 1 });
    const out = await ivsClient(3).send(new ListChannelsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.calls('ListChannels').map((e) => [e.status, e.fault])).toEqual([[0, 'reset'], [200, undefined]]);
    emulator.faults.set('ListChannels', { reset: true, times: 1 });
    const err = await failure(ivsClient(1).send(new ListChannelsCommand({})));
    expect(`${err.code} ${err.message}`).toMatch(/ECONNRESET|socket hang up/i);
  });

  test('afterEffect: the channel is created but the answer is lost, so a retry makes a second channel', async () => {
    emulator.faults.set('CreateChannel', { reset: true, afterEffect: true, times: 1 });
    await ivsClient(3).send(new CreateChannelCommand({ name: 'dup' }));
    // What an orphan check sees: two channels for one logical create.
    expect(emulator.state.snapshot().channels.map((c) => c.name)).toEqual(['dup', 'dup']);
  });

  test('a hung call is cut by the caller (abortSignal); latency delays answers', async () => {
    emulator.faults.set('GetChannel', { hang: true });
    const ivs = ivsClient(1);
    const started = Date.now();
    const err = await failure(ivs.send(new GetChannelCommand({ arn: 'arn:aws:ivs:us-east-1:111111111111:channel/abc' }), { abortSignal: AbortSignal.timeout(150) }));
    expect(err.name).toMatch(/AbortError|TimeoutError/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(emulator.calls('GetChannel')[0]).toMatchObject({ status: 0, fault: 'hang' });

    emulator.faults.set('ListChannels', { latencyMs: 120 });
    const t0 = Date.now();
    await ivs.send(new ListChannelsCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  test('skip, account and service-qualified targets', async () => {
    const { arn } = emulator.state.createSecret({ name: 's' });
    emulator.faults.set('secretsmanager:PutSecretValue', { error: 'InternalServiceError', skip: 1, times: 1 });
    emulator.faults.set('CreateChannel', { error: 'InternalServerException', account: SECOND_ACCOUNT_ID });
    const sm = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: '1' }));
    const err = await failure(sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: '2' })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InternalServiceError', 500]);
    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: '3' }));
    await ivsClient(1).send(new CreateChannelCommand({})); // the first account is not affected
    expect(() => emulator.faults.set('X', {})).toThrow(/does nothing/);
  });

  test('arn as a RegExp hits only the requests whose ARN, or the Name CreateSecret sends, it matches', async () => {
    const rule = emulator.faults.set('secretsmanager:CreateSecret', { error: 'InternalServiceError', arn: /^claims\// })[0];
    const sm = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    await sm.send(new CreateSecretCommand({ Name: 'plain' }));
    expect((await failure(sm.send(new CreateSecretCommand({ Name: 'claims/a' })))).name).toBe('InternalServiceError');
    expect([rule.matched, rule.applied]).toEqual([1, 1]);
  });

  test('close() ends hung connections', async () => {
    const other = await startEmulator({ throttle: false });
    other.faults.set('*', { hang: true });
    const ivs = new IvsClient({ ...other.clientConfig(), maxAttempts: 1 });
    const pending = failure(ivs.send(new ListChannelsCommand({})));
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect((await pending).message).toMatch(/socket hang up|ECONNRESET|aborted/i);
  });
});

describe('a conflict that is not a live stream', () => {
  test('UpdateChannel and DeleteChannel answer 409 with the model\'s text while GetStream says the channel is offline', async () => {
    // GIVEN two channels, neither live, and a conflict on one of them, once per operation
    const ivs = ivsClient(1);
    emulator.throttle.enabled = false;
    const arn = (await ivs.send(new CreateChannelCommand({ name: 'busy' }))).channel!.arn!;
    const other = (await ivs.send(new CreateChannelCommand({ name: 'calm' }))).channel!.arn!;
    const rules = emulator.faults.conflict(arn, { times: 1 });

    // WHEN / THEN the first update and the first delete of that channel conflict
    for (const call of [ivs.send(new UpdateChannelCommand({ arn, name: 'x' })), ivs.send(new DeleteChannelCommand({ arn }))]) {
      const err = await failure(call);
      expect([err.name, err.$metadata.httpStatusCode, err.exceptionMessage]).toEqual(['ConflictException', 409, 'Updating or deleting a resource can cause an inconsistent state.']);
    }
    // and the handler can tell it from a live channel: GetStream answers ChannelNotBroadcasting
    expect((await failure(ivs.send(new GetStreamCommand({ channelArn: arn })))).name).toBe('ChannelNotBroadcasting');
    expect(emulator.state.isLive(arn)).toBe(false);
    // the other channel is not concerned
    await ivs.send(new UpdateChannelCommand({ arn: other, name: 'y' }));
    // each rule hit once; the next update and delete go through
    expect(rules.map((r) => [r.target, r.applied])).toEqual([['ivs:UpdateChannel', 1], ['ivs:DeleteChannel', 1]]);
    await ivs.send(new UpdateChannelCommand({ arn, name: 'x' }));
    await ivs.send(new DeleteChannelCommand({ arn }));
    expect(emulator.state.channel(arn)).toBeUndefined();
  });

  test('arn filters any fault; an injected IVS error without message takes the model\'s text', async () => {
    const ivs = ivsClient(1);
    emulator.throttle.enabled = false;
    const arn = (await ivs.send(new CreateChannelCommand({}))).channel!.arn!;
    emulator.faults.set('GetChannel', { error: 'InternalServerException', arn });
    expect((await failure(ivs.send(new GetChannelCommand({ arn })))).exceptionMessage).toBe('Unexpected error during processing of request.');
    const elsewhere = failure(ivs.send(new GetChannelCommand({ arn: arn.replace(/\/.*$/, '/nope12345678') })));
    expect((await elsewhere).name).toBe('ResourceNotFoundException');
  });
});
