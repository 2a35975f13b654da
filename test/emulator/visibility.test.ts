// A resource created a moment ago, not yet seen by reads (visibility.ts), under each behaviour of
// operations that name it meanwhile (`named`).
import {
  BatchGetChannelCommand, BatchGetStreamKeyCommand, CreateChannelCommand, CreateStreamKeyCommand, DeleteChannelCommand, DeleteStreamKeyCommand,
  GetChannelCommand, GetPlaybackKeyPairCommand, GetStreamKeyCommand, ImportPlaybackKeyPairCommand, IvsClient, ListChannelsCommand,
  ListPlaybackKeyPairsCommand, ListStreamKeysCommand, ListTagsForResourceCommand, TagResourceCommand, UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { DEFAULT_VISIBILITY, IvsEmulator, startEmulator, VISIBILITY_NAMED_VARIANTS } from '.';
import { failure, p384PublicKey } from './sdk-helpers';

let emulator: IvsEmulator;
let ivs: IvsClient;
let cc: CloudControlClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  cc = new CloudControlClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  ivs.destroy();
  cc.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  emulator.visibility = { ...DEFAULT_VISIBILITY };
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LAG = 400;

test('by default (no lag) a created channel and its stream key are read at once', async () => {
  const out = await ivs.send(new CreateChannelCommand({ name: 'now' }));
  expect((await ivs.send(new GetChannelCommand({ arn: out.channel!.arn! }))).channel!.name).toBe('now');
  expect((await ivs.send(new ListStreamKeysCommand({ channelArn: out.channel!.arn! }))).streamKeys!.map((k) => k.arn)).toEqual([out.streamKey!.arn]);
});

describe.each(VISIBILITY_NAMED_VARIANTS)('named: %s', (named) => {
  beforeEach(() => {
    emulator.visibility = { lagMs: LAG, lagMsByType: {}, named };
  });

  test('reads miss a channel and its stream key for lagMs, then see them', async () => {
    // GIVEN a channel just created
    const out = await ivs.send(new CreateChannelCommand({ name: 'fresh' }));
    const arn = out.channel!.arn!;
    const keyArn = out.streamKey!.arn!;

    // THEN Get answers ResourceNotFoundException, List and BatchGet leave them out
    expect((await failure(ivs.send(new GetChannelCommand({ arn })))).name).toBe('ResourceNotFoundException');
    expect((await failure(ivs.send(new GetStreamKeyCommand({ arn: keyArn })))).name).toBe('ResourceNotFoundException');
    expect((await ivs.send(new ListChannelsCommand({}))).channels).toEqual([]);
    expect((await ivs.send(new ListChannelsCommand({ filterByName: 'fresh' }))).channels).toEqual([]);
    expect((await ivs.send(new BatchGetChannelCommand({ arns: [arn] })))).toMatchObject({ channels: [], errors: [{ arn, code: 'ResourceNotFoundException' }] });
    expect((await ivs.send(new BatchGetStreamKeyCommand({ arns: [keyArn] })))).toMatchObject({ streamKeys: [], errors: [{ arn: keyArn, code: 'ResourceNotFoundException' }] });
    expect((await failure(ivs.send(new ListTagsForResourceCommand({ resourceArn: arn })))).name).toBe('ResourceNotFoundException');
    // ListStreamKeys names the channel (found or not, as `named` says) and lists no key yet
    const keys = ivs.send(new ListStreamKeysCommand({ channelArn: arn }));
    if (named === 'found') expect((await keys).streamKeys).toEqual([]);
    else expect((await failure(keys)).name).toBe('ResourceNotFoundException');
    // a Cloud Control read is IVS's read too
    const ccRead = await failure(cc.send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: arn })));
    expect(ccRead.name).toBe('ResourceNotFoundException');
    // the state itself (what tests assert on) knows them
    expect(emulator.state.snapshot().channels.map((c) => c.arn)).toEqual([arn]);

    // WHEN the lag has passed, THEN every read sees them
    await sleep(LAG + 50);
    expect((await ivs.send(new GetChannelCommand({ arn }))).channel!.name).toBe('fresh');
    expect((await ivs.send(new GetStreamKeyCommand({ arn: keyArn }))).streamKey!.channelArn).toBe(arn);
    expect((await ivs.send(new ListChannelsCommand({}))).channels!.map((c) => c.arn)).toEqual([arn]);
    expect((await ivs.send(new ListStreamKeysCommand({ channelArn: arn }))).streamKeys!.map((k) => k.arn)).toEqual([keyArn]);
    expect((await ivs.send(new BatchGetChannelCommand({ arns: [arn] }))).channels!.map((c) => c.arn)).toEqual([arn]);
  });

  test('operations that name a channel in its lag: carried out, or ResourceNotFoundException (as `named` says)', async () => {
    const out = await ivs.send(new CreateChannelCommand({ name: 'fresh' }));
    const arn = out.channel!.arn!;
    const calls = {
      TagResource: () => ivs.send(new TagResourceCommand({ resourceArn: arn, tags: { a: 'b' } })),
      UpdateChannel: () => ivs.send(new UpdateChannelCommand({ arn, name: 'renamed' })),
      DeleteStreamKey: () => ivs.send(new DeleteStreamKeyCommand({ arn: out.streamKey!.arn! })),
      CreateStreamKey: () => ivs.send(new CreateStreamKeyCommand({ channelArn: arn })),
      DeleteChannel: () => ivs.send(new DeleteChannelCommand({ arn })),
    };
    const answers: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) {
      try {
        await call();
        answers[name] = 'ok';
      } catch (e) {
        answers[name] = (e as Error).name;
      }
    }
    const expected = named === 'found' ? 'ok' : 'ResourceNotFoundException';
    expect(answers).toEqual(Object.fromEntries(Object.keys(calls).map((k) => [k, expected])));
    if (named === 'found') {
      expect(emulator.state.isEmpty()).toBe(true);
    } else {
      // nothing happened: the channel, its name and its first key are all there
      expect(emulator.state.channel(arn)!.name).toBe('fresh');
      expect(emulator.state.streamKeysOf(arn).map((k) => k.arn)).toEqual([out.streamKey!.arn]);
    }
  });

  test('playback key pairs: GetPlaybackKeyPair and ListPlaybackKeyPairs miss a new one', async () => {
    const pem = p384PublicKey();
    const pair = (await ivs.send(new ImportPlaybackKeyPairCommand({ name: 'k', publicKeyMaterial: pem }))).keyPair!;
    expect((await failure(ivs.send(new GetPlaybackKeyPairCommand({ arn: pair.arn! })))).name).toBe('ResourceNotFoundException');
    expect((await ivs.send(new ListPlaybackKeyPairsCommand({}))).keyPairs).toEqual([]);
    // importing the same key again is still a conflict: the service knows it
    expect((await failure(ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: pem })))).name).toBe('ConflictException');
    await sleep(LAG + 50);
    expect((await ivs.send(new ListPlaybackKeyPairsCommand({}))).keyPairs!.map((p) => p.arn)).toContain(pair.arn);
  });

  test('a lag per type: the channel read at once, its stream key not (ListStreamKeys right after CreateChannel answers none)', async () => {
    emulator.visibility = { lagMs: 0, lagMsByType: { 'stream-key': LAG }, named };
    const out = await ivs.send(new CreateChannelCommand({}));
    expect((await ivs.send(new GetChannelCommand({ arn: out.channel!.arn! }))).channel!.arn).toBe(out.channel!.arn);
    expect((await ivs.send(new ListStreamKeysCommand({ channelArn: out.channel!.arn! }))).streamKeys).toEqual([]);
    await sleep(LAG + 50);
    expect((await ivs.send(new ListStreamKeysCommand({ channelArn: out.channel!.arn! }))).streamKeys).toHaveLength(1);
  });
});

test('the lag is an option of startEmulator too, and it applies to what is created after it is set', async () => {
  const before = (await ivs.send(new CreateChannelCommand({}))).channel!;
  emulator.visibility = { ...DEFAULT_VISIBILITY, lagMs: 10_000 };
  expect((await ivs.send(new GetChannelCommand({ arn: before.arn! }))).channel!.arn).toBe(before.arn);
  const other = await startEmulator({ throttle: false, visibility: { lagMs: 10_000 } });
  try {
    expect(other.visibility).toEqual({ lagMs: 10_000, lagMsByType: {}, named: 'found' });
  } finally {
    await other.close();
  }
});
