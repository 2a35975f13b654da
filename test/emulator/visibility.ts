// Reads that do not see a resource yet. The IVS documentation says nothing about consistency: no
// page promises that a resource is readable as soon as its create has answered, and none says it
// may not be. Other AWS APIs document the gap ("eventual consistency": the EC2 API reference's
// "Eventual consistency in the Amazon EC2 API", the IAM User Guide's "Changes that I make are not
// always immediately visible"), and a handler that reads right after a create (a retried create
// looking for what it made, a lookup of a channel made a moment ago) has to survive it, so the
// emulator can model it. Off by default: `lagMs` 0.
// - Reads of a resource created less than `lagMs` ago (real milliseconds) do not see it: Get* answers
//   ResourceNotFoundException, List* and BatchGet* leave it out (BatchGet reports it as missing,
//   `batchGet.missing`). That includes the stream key CreateChannel makes.
// - An operation that names such a resource without reading it (UpdateChannel, DeleteChannel,
//   TagResource, CreateStreamKey's channel, ListStreamKeys's channel, GetStream, ...) finds it, or
//   answers ResourceNotFoundException as the reads do: `named`, as the documentation is silent.

/** The IVS resource types (the ARN's resource part before `/`). */
export type IvsResourceType = 'channel' | 'stream-key' | 'playback-key' | 'recording-configuration' | 'playback-restriction-policy';

export interface VisibilityOptions {
  /** How long a created IVS resource stays out of reads (real ms). @default 0 */
  readonly lagMs?: number;
  /** Per resource type, instead of `lagMs` (e.g. `{ 'stream-key': 500 }`). */
  readonly lagMsByType?: { readonly [type in IvsResourceType]?: number };
  /** An operation that names a resource still out of reads without reading it. @default 'found' */
  readonly named?: 'found' | 'notFound';
}

export type VisibilitySettings = { -readonly [K in keyof Required<VisibilityOptions>]: Required<VisibilityOptions>[K] };

export const DEFAULT_VISIBILITY: Readonly<VisibilitySettings> = { lagMs: 0, lagMsByType: {}, named: 'found' };

/** The variants the tests run under (every value of `named`). */
export const VISIBILITY_NAMED_VARIANTS: readonly VisibilitySettings['named'][] = ['found', 'notFound'];

/** When a resource of `type` created at `now` (real ms) becomes visible to reads: the lag as set at its create. */
export function visibleFrom(settings: VisibilitySettings, type: string, now: number): number {
  return now + (settings.lagMsByType[type as IvsResourceType] ?? settings.lagMs);
}
