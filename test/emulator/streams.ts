// Live streams and the encoders behind them. IVS has no API that starts a stream (an encoder does,
// by connecting with the channel's stream key), so tests make a channel live through the state
// (`state.setLive`). What the IVS API reference says about the parts modeled here:
// - StopStream: "Disconnects the incoming RTMPS stream for the specified channel. Can be used in
//   conjunction with DeleteStreamKey to prevent further streaming to a channel." and "Many
//   streaming client-software libraries automatically reconnect a dropped RTMPS session, so to stop
//   the stream permanently, you may want to first revoke the streamKey attached to the channel."
//   An encoder made with `reconnectAfterMs` does that: after its stream ends it connects again
//   with its stream key, as long as that key still exists.
// - DeleteChannel: "If you try to delete a live channel, you will get an error (409
//   ConflictException). To delete a channel that is live, call StopStream, wait for the Amazon
//   EventBridge "Stream End" event (to verify that the stream's state is no longer Live), then call
//   DeleteChannel." The stream's end is therefore not immediate: with `endsAfterMs` the stream keeps
//   its LIVE state that long after StopStream (GetStream, ListStreams; 409 on update and delete).
// How long either takes is not documented; both are the test's choice (real milliseconds).
// Transitions are computed when the state is read (`advance`), so no timer runs.
import { streamId } from './ids';

/** How a live channel's encoder and stream behave (`state.setLive(arn, options)`). */
export interface LiveOptions {
  /**
   * The encoder connects again this long after its stream ended (StopStream), with the stream key
   * it streams with: the channel's key when setLive was called. Deleting that key (or the channel)
   * stops it. @default no reconnection
   */
  readonly reconnectAfterMs?: number;
  /** After StopStream the stream stays LIVE this long (the "Stream End" event comes later). @default 0 */
  readonly endsAfterMs?: number;
  /** The stream's health (StreamHealth: HEALTHY, STARVING, UNKNOWN). @default 'HEALTHY' */
  readonly health?: string;
}

export interface LiveStream {
  readonly streamId: string;
  readonly startTime: Date;
  health: string;
  viewerCount: number;
  /** Set by StopStream when the stream ends later (real ms); the stream is LIVE until then. */
  endsAt?: number;
}

/** The encoder streaming to a channel (set by setLive with options). */
export interface Encoder {
  /** The stream key it connects with (needed only to reconnect). */
  readonly streamKeyArn?: string;
  readonly reconnectAfterMs?: number;
  readonly endsAfterMs: number;
  readonly health: string;
  /** When it connects again (real ms), once its stream has ended. */
  reconnectAt?: number;
}

/** What EventBridge would have delivered ("IVS Stream State Change": Stream Start / Stream End). */
export interface StreamEvent {
  readonly channelArn: string;
  readonly streamId: string;
  readonly eventName: 'Stream Start' | 'Stream End';
  /** Real ms. */
  readonly at: number;
}

/** The parts of a channel record this module reads and writes. */
export interface StreamHolder {
  readonly arn: string;
  live?: LiveStream;
  encoder?: Encoder;
}

export function newStream(at: number, health = 'HEALTHY'): LiveStream {
  return { streamId: streamId(), startTime: new Date(at), health, viewerCount: 0 };
}

/**
 * Brings a channel's stream up to `now`: a stream whose end time has passed ends; an encoder
 * whose reconnection time has passed connects again if its stream key still exists (else it
 * gives up). Returns the events that happened, oldest first.
 */
export function advance(channel: StreamHolder, now: number, keyExists: (arn: string) => boolean): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (;;) {
    const live = channel.live;
    if (live?.endsAt !== undefined && live.endsAt <= now) {
      end(channel, live.endsAt, events);
      continue;
    }
    const encoder = channel.encoder;
    if (!live && encoder?.reconnectAt !== undefined && encoder.reconnectAt <= now) {
      const at = encoder.reconnectAt;
      encoder.reconnectAt = undefined;
      if (encoder.streamKeyArn === undefined || !keyExists(encoder.streamKeyArn)) {
        channel.encoder = undefined;
        continue;
      }
      channel.live = newStream(at, encoder.health);
      events.push({ channelArn: channel.arn, streamId: channel.live.streamId, eventName: 'Stream Start', at });
      continue;
    }
    return events;
  }
}

/** StopStream: the stream ends now, or `endsAfterMs` from now (a second StopStream changes nothing). */
export function stop(channel: StreamHolder, now: number): StreamEvent[] {
  const live = channel.live;
  if (!live || live.endsAt !== undefined) return [];
  const endsAfterMs = channel.encoder?.endsAfterMs ?? 0;
  if (endsAfterMs > 0) {
    live.endsAt = now + endsAfterMs;
    return [];
  }
  const events: StreamEvent[] = [];
  end(channel, now, events);
  return events;
}

function end(channel: StreamHolder, at: number, events: StreamEvent[]): void {
  const live = channel.live!;
  channel.live = undefined;
  events.push({ channelArn: channel.arn, streamId: live.streamId, eventName: 'Stream End', at });
  const encoder = channel.encoder;
  if (encoder?.reconnectAfterMs !== undefined) encoder.reconnectAt = at + encoder.reconnectAfterMs;
}
