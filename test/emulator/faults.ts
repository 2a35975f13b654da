// Fault injection per operation, changeable while the emulator runs:
//   emulator.faults.set('CreateChannel', { error: 'InternalServerException', times: 2 })
//   emulator.faults.set('secretsmanager:PutSecretValue', { reset: true, times: 1 })
//   emulator.faults.set('ivs:*', { latencyMs: 200 })
//   emulator.faults.conflict(channelArn, { times: 1 })   // 409 on UpdateChannel / DeleteChannel, not live
// Targets: `Operation` (that operation in any service), `service:Operation`, `service:*`, `*`.

export interface FaultSpec {
  /**
   * Answer this error instead of the operation's result. For IVS, a model error name takes its
   * HTTP status from the model (InternalServerException 500, ThrottlingException 429, …) and, without
   * `message`, the model's documentation of its message ("Updating or deleting a resource can cause
   * an inconsistent state." for ConflictException).
   */
  readonly error?: string;
  /** HTTP status of `error` (needed for names the model does not know). @default model status, else 500 */
  readonly status?: number;
  /** Error message. @default the model's text (IVS errors), else a text naming the injected fault */
  readonly message?: string;
  /** Reset the TCP connection instead of answering (the SDK sees ECONNRESET and may retry). */
  readonly reset?: boolean;
  /** Never answer: the connection stays open until the client gives up or the emulator closes. */
  readonly hang?: boolean;
  /** Wait this long (real milliseconds) before answering (or before the error/reset). */
  readonly latencyMs?: number;
  /**
   * Run the operation first, so its effects happen, then apply the fault to the answer: the
   * "created, but the response was lost" case (e.g. a reset after CreateChannel succeeded).
   */
  readonly afterEffect?: boolean;
  /** Hit this many matching requests, then stop. @default unlimited */
  readonly times?: number;
  /** Let this many matching requests through untouched first. @default 0 */
  readonly skip?: number;
  /** Chance (0..1) that a matching request is hit. @default 1 */
  readonly probability?: number;
  /** Only requests signed by this account. @default every account */
  readonly account?: string;
  /**
   * Only requests about this ARN (IVS `arn` / `channelArn` / `resourceArn`, Secrets Manager
   * `SecretId` or `Name` as sent), or whose ARN this RegExp matches. @default every request
   */
  readonly arn?: string | RegExp;
}

export interface FaultRule {
  readonly target: string;
  readonly spec: FaultSpec;
  /** Requests that matched the target (hit or not). */
  matched: number;
  /** Requests the fault was applied to. */
  applied: number;
}

/** Per-operation fault rules; `emulator.faults`. */
export class Faults {
  private rules: FaultRule[] = [];

  /** Replaces the rules of a target with these (applied in order, first hit wins). */
  set(target: string, spec: FaultSpec | readonly FaultSpec[]): FaultRule[] {
    this.clear(target);
    const specs: readonly FaultSpec[] = Array.isArray(spec) ? spec : [spec as FaultSpec];
    return specs.map((s) => this.add(target, s));
  }

  /** Adds a rule after the existing ones. */
  add(target: string, spec: FaultSpec): FaultRule {
    if (!spec.error && !spec.reset && !spec.hang && spec.latencyMs === undefined) {
      throw new Error(`emulator fault for ${target} does nothing: give error, reset, hang or latencyMs`);
    }
    const rule: FaultRule = { target, spec, matched: 0, applied: 0 };
    this.rules.push(rule);
    return rule;
  }

  /** Removes the rules of one target, or all rules. */
  clear(target?: string): void {
    this.rules = target === undefined ? [] : this.rules.filter((r) => r.target !== target);
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /**
   * A 409 ConflictException on UpdateChannel and DeleteChannel of one channel that is not live:
   * IVS's ConflictException is "Updating or deleting a resource can cause an inconsistent state."
   * (model), which the API reference does not tie to live channels only. GetStream still answers
   * ChannelNotBroadcasting, so a handler can tell the two apart. One rule per operation, each hit
   * `times` times (unlimited by default); `clear('ivs:UpdateChannel')` and the like remove them.
   */
  conflict(channelArn: string, spec: Omit<FaultSpec, 'error' | 'arn'> = {}, operations: readonly string[] = ['UpdateChannel', 'DeleteChannel']): FaultRule[] {
    return operations.map((op) => this.add(`ivs:${op}`, { ...spec, error: 'ConflictException', arn: channelArn }));
  }

  /** The fault to apply to a request, if any (counts the match). */
  pick(service: string, operation: string, account: string, arn?: string): FaultSpec | undefined {
    for (const rule of this.rules) {
      if (!matches(rule.target, service, operation)) continue;
      const { spec } = rule;
      if (spec.account !== undefined && spec.account !== account) continue;
      if (spec.arn !== undefined && !(spec.arn instanceof RegExp ? spec.arn.test(arn ?? '') : spec.arn === arn)) continue;
      if (spec.times !== undefined && rule.applied >= spec.times) continue;
      rule.matched++;
      if (rule.matched <= (spec.skip ?? 0)) continue;
      if (spec.probability !== undefined && Math.random() >= spec.probability) continue;
      rule.applied++;
      return spec;
    }
    return undefined;
  }
}

function matches(target: string, service: string, operation: string): boolean {
  if (target === '*') return true;
  const i = target.indexOf(':');
  if (i < 0) return target === operation;
  const [s, op] = [target.slice(0, i), target.slice(i + 1)];
  return s === service && (op === '*' || op === operation);
}
