// Live channels with an encoder behind them: reconnection after StopStream while the encoder's
// stream key exists, and a stream that ends a while after StopStream (streams.ts).
import {
  CreateChannelCommand, CreateStreamKeyCommand, DeleteChannelCommand, DeleteStreamKeyCommand, GetStreamCommand, IvsClient,
  ListStreamsCommand, StopStreamCommand, UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { IvsEmulator, startEmulator } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let ivs: IvsClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  ivs.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function liveChannel(options: Parameters<IvsEmulator['state']['setLive']>[1]) {
  const out = await ivs.send(new CreateChannelCommand({ name: 'live' }));
  emulator.state.setLive(out.channel!.arn!, options);
  return { arn: out.channel!.arn!, keyArn: out.streamKey!.arn! };
}

async function streamId(arn: string): Promise<string | undefined> {
  try {
    return (await ivs.send(new GetStreamCommand({ channelArn: arn }))).stream!.streamId;
  } catch (e) {
    expect((e as Error).name).toBe('ChannelNotBroadcasting');
    return undefined;
  }
}

async function conflicts(arn: string): Promise<string[]> {
  const answers = [];
  for (const call of [ivs.send(new UpdateChannelCommand({ arn, name: 'renamed' })), ivs.send(new DeleteChannelCommand({ arn }))]) {
    answers.push((await failure(call)).name);
  }
  return answers;
}

describe('an encoder that reconnects', () => {
  test('after StopStream it streams again with its key, a new stream each time, until StopStream no longer helps', async () => {
    // GIVEN a live channel whose encoder reconnects after 150 ms
    const { arn } = await liveChannel({ reconnectAfterMs: 150 });
    const first = await streamId(arn);
    expect(first).toMatch(/^st-/);

    // WHEN the stream is stopped
    await ivs.send(new StopStreamCommand({ channelArn: arn }));

    // THEN it is offline at once, and live again (another stream) after the reconnection
    expect(await streamId(arn)).toBeUndefined();
    expect(emulator.state.isLive(arn)).toBe(false);
    await sleep(250);
    const second = await streamId(arn);
    expect(second).toMatch(/^st-/);
    expect(second).not.toBe(first);
    expect((await ivs.send(new ListStreamsCommand({}))).streams!.map((s) => [s.channelArn, s.streamId, s.state])).toEqual([[arn, second, 'LIVE']]);
    expect(await conflicts(arn)).toEqual(['ConflictException', 'ConflictException']);

    // AND it does so every time
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    await sleep(250);
    expect(await streamId(arn)).toMatch(/^st-/);
    expect(emulator.state.streamEvents.map((e) => e.eventName)).toEqual(['Stream Start', 'Stream End', 'Stream Start', 'Stream End', 'Stream Start']);
  });

  test('deleting its stream key first, then StopStream, stops it for good (the StopStream reference\'s advice)', async () => {
    const { arn, keyArn } = await liveChannel({ reconnectAfterMs: 100 });
    await ivs.send(new DeleteStreamKeyCommand({ arn: keyArn }));
    // the stream goes on without its key until StopStream
    expect(await streamId(arn)).toMatch(/^st-/);
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    await sleep(200);
    expect(await streamId(arn)).toBeUndefined();
    await ivs.send(new DeleteChannelCommand({ arn }));
    expect(emulator.state.isEmpty()).toBe(true);
  });

  test('a new stream key is not the encoder\'s: after a rotation it does not come back', async () => {
    const { arn, keyArn } = await liveChannel({ reconnectAfterMs: 100 });
    await ivs.send(new DeleteStreamKeyCommand({ arn: keyArn }));
    await ivs.send(new CreateStreamKeyCommand({ channelArn: arn }));
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    await sleep(200);
    expect(await streamId(arn)).toBeUndefined();
    expect(emulator.state.channel(arn)!.encoder).toBeUndefined();
  });

  test('the key deleted while the encoder waits to reconnect: it gives up', async () => {
    const { arn, keyArn } = await liveChannel({ reconnectAfterMs: 200 });
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    await ivs.send(new DeleteStreamKeyCommand({ arn: keyArn }));
    await sleep(300);
    expect(emulator.state.isLive(arn)).toBe(false);
  });

  test('a reconnecting encoder needs a stream key', async () => {
    const { arn, keyArn } = await liveChannel(false);
    await ivs.send(new DeleteStreamKeyCommand({ arn: keyArn }));
    expect(() => emulator.state.setLive(arn, { reconnectAfterMs: 10 })).toThrow(/has no stream key/);
    // without reconnection a channel can be live with no key (as tests of the 409 need)
    emulator.state.setLive(arn);
    expect(emulator.state.isLive(arn)).toBe(true);
  });
});

describe('a stream that ends a moment after StopStream', () => {
  test('GetStream and ListStreams still answer LIVE, update and delete still 409, until it has ended', async () => {
    // GIVEN
    const { arn } = await liveChannel({ endsAfterMs: 400 });
    const id = await streamId(arn);

    // WHEN
    await ivs.send(new StopStreamCommand({ channelArn: arn }));

    // THEN the same stream is still live
    expect(await streamId(arn)).toBe(id);
    expect((await ivs.send(new ListStreamsCommand({}))).streams!.map((s) => s.state)).toEqual(['LIVE']);
    expect(await conflicts(arn)).toEqual(['ConflictException', 'ConflictException']);
    // a second StopStream is accepted and does not push the end further
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    expect(emulator.state.streamEvents.map((e) => e.eventName)).toEqual(['Stream Start']);

    // THEN, once the time has passed, it is offline and the channel can go
    await sleep(500);
    expect(await streamId(arn)).toBeUndefined();
    expect((await ivs.send(new ListStreamsCommand({}))).streams).toEqual([]);
    expect(emulator.state.streamEvents.map((e) => e.eventName)).toEqual(['Stream Start', 'Stream End']);
    await ivs.send(new DeleteChannelCommand({ arn }));
  });

  test('with an encoder: ends, then reconnects, counted from the end', async () => {
    const { arn } = await liveChannel({ endsAfterMs: 200, reconnectAfterMs: 200 });
    const first = await streamId(arn);
    await ivs.send(new StopStreamCommand({ channelArn: arn }));
    await sleep(280);
    expect(await streamId(arn)).toBeUndefined();
    await sleep(250);
    const second = await streamId(arn);
    expect(second).toMatch(/^st-/);
    expect(second).not.toBe(first);
    const [start, end, restart] = emulator.state.streamEvents;
    expect(restart.at - end.at).toBe(200);
    expect(end.at - start.at).toBeGreaterThanOrEqual(200);
  });

  test('setLive(arn, false) ends the stream at once and forgets the encoder', async () => {
    const { arn } = await liveChannel({ endsAfterMs: 10_000, reconnectAfterMs: 10 });
    emulator.state.setLive(arn, false);
    await sleep(50);
    expect(emulator.state.isLive(arn)).toBe(false);
    expect(emulator.state.snapshot().channels[0].live).toBe(false);
  });
});
