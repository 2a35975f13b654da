// BatchGetChannel / BatchGetStreamKey under each reading of the API reference: an ARN that names
// nothing, or one of another account, is reported in `errors` or left out.
import { BatchGetChannelCommand, BatchGetStreamKeyCommand, CreateChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import { DEFAULT_BATCH_GET, IvsEmulator, SECOND_ACCOUNT_ID, startEmulator, TEST_USER_ARN } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let ivs: IvsClient;
let mine: { channel: string; key: string };
let theirs: { channel: string; key: string };
const MISSING_CHANNEL = 'arn:aws:ivs:us-east-1:111111111111:channel/missing12345';
const MISSING_KEY = 'arn:aws:ivs:us-east-1:111111111111:stream-key/missing12345';

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  const a = await ivs.send(new CreateChannelCommand({ name: 'mine' }));
  mine = { channel: a.channel!.arn!, key: a.streamKey!.arn! };
  const b = await new IvsClient({ ...emulator.clientConfig(emulator.issueCredentials(SECOND_ACCOUNT_ID)), maxAttempts: 1 }).send(new CreateChannelCommand({ name: 'theirs' }));
  theirs = { channel: b.channel!.arn!, key: b.streamKey!.arn! };
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.batchGet = { ...DEFAULT_BATCH_GET };
});

describe.each([
  ['error', 'error'], ['error', 'omit'], ['omit', 'error'], ['omit', 'omit'],
] as const)('batchGet.missing %s, batchGet.otherAccount %s', (missing, otherAccount) => {
  beforeEach(() => {
    emulator.batchGet = { missing, otherAccount };
  });

  test('BatchGetChannel', async () => {
    const out = await ivs.send(new BatchGetChannelCommand({ arns: [mine.channel, MISSING_CHANNEL, theirs.channel] }));
    expect(out.channels!.map((c) => c.arn)).toEqual([mine.channel]);
    expect(out.errors!.map((e) => [e.arn, e.code])).toEqual([
      ...(missing === 'error' ? [[MISSING_CHANNEL, 'ResourceNotFoundException']] : []),
      ...(otherAccount === 'error' ? [[theirs.channel, 'AccessDeniedException']] : []),
    ]);
    for (const e of out.errors!) expect(e.message).toContain(e.arn);
    if (otherAccount === 'error') {
      expect(out.errors!.at(-1)!.message).toBe(`User: ${TEST_USER_ARN} is not authorized to perform: ivs:BatchGetChannel on resource: ${theirs.channel}`);
    }
  });

  test('BatchGetStreamKey (values only of found keys)', async () => {
    const out = await ivs.send(new BatchGetStreamKeyCommand({ arns: [MISSING_KEY, theirs.key, mine.key] }));
    expect(out.streamKeys!.map((k) => k.arn)).toEqual([mine.key]);
    expect(out.streamKeys![0].value).toBe(emulator.state.getStreamKeyValue(mine.key));
    expect(out.errors!.map((e) => [e.arn, e.code])).toEqual([
      ...(missing === 'error' ? [[MISSING_KEY, 'ResourceNotFoundException']] : []),
      ...(otherAccount === 'error' ? [[theirs.key, 'AccessDeniedException']] : []),
    ]);
    expect(JSON.stringify(out.errors)).not.toContain(emulator.state.getStreamKeyValue(theirs.key)!);
  });
});

test('defaults report both in errors; the ARN list takes 1 to 50 ARNs (ChannelArnList, StreamKeyArnList of the model)', async () => {
  expect(DEFAULT_BATCH_GET).toEqual({ missing: 'error', otherAccount: 'error' });
  const fifty = Array.from({ length: 50 }, (_, i) => `arn:aws:ivs:us-east-1:111111111111:channel/missing${String(i).padStart(5, '0')}`);
  expect((await ivs.send(new BatchGetChannelCommand({ arns: fifty }))).errors).toHaveLength(50);
  const over = await failure(ivs.send(new BatchGetChannelCommand({ arns: [...fifty, MISSING_CHANNEL] })));
  expect(over.exceptionMessage).toContain("at 'arns' failed to satisfy constraint: Member must have length less than or equal to 50");
  const keys = await failure(ivs.send(new BatchGetStreamKeyCommand({ arns: Array(51).fill(MISSING_KEY) })));
  expect(keys.exceptionMessage).toContain("at 'arns' failed to satisfy constraint: Member must have length less than or equal to 50");
});
