// Per-operation request rate limits, per account and region, as token buckets (burst = rate).
// IVS rates are the "API Call Rate Quotas" of the IVS Low-Latency Streaming service quotas page
// (docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/service-quotas.html): not adjustable.

/** Transactions per second of each IVS operation. */
export const IVS_RATE_LIMITS: { readonly [operation: string]: number } = {
  // Channel
  BatchGetChannel: 5, CreateChannel: 5, DeleteChannel: 5, GetChannel: 5, ListChannels: 5, UpdateChannel: 5,
  // Stream key
  BatchGetStreamKey: 5, CreateStreamKey: 5, DeleteStreamKey: 5, GetStreamKey: 5, ListStreamKeys: 5,
  // Playback key pair ("Private channel")
  DeletePlaybackKeyPair: 3, GetPlaybackKeyPair: 3, ImportPlaybackKeyPair: 3, ListPlaybackKeyPairs: 3,
  StartViewerSessionRevocation: 2, BatchStartViewerSessionRevocation: 2,
  // Playback restriction policy
  CreatePlaybackRestrictionPolicy: 5, DeletePlaybackRestrictionPolicy: 5, GetPlaybackRestrictionPolicy: 5,
  ListPlaybackRestrictionPolicies: 5, UpdatePlaybackRestrictionPolicy: 5,
  // Recording configuration
  CreateRecordingConfiguration: 3, DeleteRecordingConfiguration: 3, GetRecordingConfiguration: 3, ListRecordingConfigurations: 3,
  // Stream (PutMetadata is also 5 TPS per channel; the account-wide figure is used here)
  GetStream: 5, GetStreamSession: 5, ListStreams: 5, ListStreamSessions: 5, PutMetadata: 155, StopStream: 5,
  // Tags
  ListTagsForResource: 10, TagResource: 10, UntagResource: 10,
};

export interface ThrottleOptions {
  /** Turn rate limiting off entirely. @default true */
  readonly enabled?: boolean;
  /**
   * Emulated seconds per real second: 10 refills buckets ten times faster, so 100 CreateChannel
   * calls at "5 TPS" take 2 s instead of 20 s. @default 1
   */
  readonly timeScale?: number;
  /**
   * Rates to use instead of the defaults, keyed `Operation` (IVS) or `service:Operation`
   * (`secretsmanager:PutSecretValue`, `sts:AssumeRole`); Infinity or 0 … means unlimited / blocked.
   */
  readonly rates?: { readonly [key: string]: number };
}

interface Bucket {
  tokens: number;
  last: number;
}

/** Rate limits the emulator applies; mutable at run time through `emulator.throttle`. */
export class Throttle {
  enabled: boolean;
  timeScale: number;
  private readonly rates: Map<string, number>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: ThrottleOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.timeScale = options.timeScale ?? 1;
    this.rates = new Map(Object.entries(IVS_RATE_LIMITS).map(([op, tps]) => [`ivs:${op}`, tps]));
    for (const [key, tps] of Object.entries(options.rates ?? {})) this.setRate(key, tps);
  }

  /** Sets the TPS of an operation (`CreateChannel` means the IVS one); Infinity = unlimited. */
  setRate(key: string, tps: number): void {
    this.rates.set(key.includes(':') ? key : `ivs:${key}`, tps);
    this.buckets.clear();
  }

  rateOf(service: string, operation: string): number {
    return this.rates.get(`${service}:${operation}`) ?? Infinity;
  }

  /** Takes a token for a call; false when the call is over the rate (answer ThrottlingException). */
  take(service: string, operation: string, account: string, region: string, nowMs: number): boolean {
    if (!this.enabled) return true;
    const rate = this.rateOf(service, operation);
    if (rate === Infinity) return true;
    const key = `${account}/${region}/${service}:${operation}`;
    const capacity = rate === 0 ? 0 : Math.max(rate, 1);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, last: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.last) / 1000) * rate * this.timeScale);
    bucket.last = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Refills every bucket (e.g. between tests). */
  reset(): void {
    this.buckets.clear();
  }
}
