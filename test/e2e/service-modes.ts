// What the service-behaviour e2e files share: every scenario runs twice, once with the provider as
// the fixed role the other e2e files use (IAM not evaluated), and once as its own execution role
// from the template with the emulator evaluating that role's policies (enforceIam), so the policy
// the provider ships with is proven to allow what each scenario makes it do.
import { signPlaybackToken } from '../../lib/playback-token';
import type { EmulatorOptions, LogEntry } from '../emulator';
import type { Deployment, StepRecord } from '../harness';
import { type LeakScan, PROVIDER_ROLE, type Scenario, type ScenarioDeployOptions, scenario } from './helpers';

export const CHANNEL = 'Custom::IvsChannel';
export const KEY_PAIR = 'Custom::IvsPlaybackKeyPair';
export const STREAM_KEY = 'Custom::IvsStreamKey';

/** How the provider runs. */
export interface Mode {
  readonly name: string;
  /** Emulator options of the mode. */
  readonly emulator: Omit<EmulatorOptions, 'onRequest'>;
  /** Deploy options of the mode. */
  readonly deploy: ScenarioDeployOptions;
}

export const MODES: readonly Mode[] = [
  { name: 'provider role', emulator: {}, deploy: {} },
  { name: 'template role, enforceIam', emulator: { enforceIam: true }, deploy: { executionRole: true } },
];

export interface ModeScenarioOptions {
  /** Emulator options on top of the mode's. */
  readonly emulator?: Omit<EmulatorOptions, 'onRequest' | 'enforceIam'>;
  /** @default 90 s: every scenario waits for real (backoffs, deadlines) on a loaded machine */
  readonly timeoutMs?: number;
  /** Only these modes. @default MODES */
  readonly modes?: readonly Mode[];
}

/** A scenario registered once per mode; `deploy` deploys (or updates through the returned Deployment) as the mode says. */
export function modeScenario(
  scan: LeakScan,
  name: string,
  body: (s: Scenario, deploy: (dir: string, stackName?: string, options?: ScenarioDeployOptions) => Promise<Deployment>, mode: Mode) => Promise<void>,
  options: ModeScenarioOptions = {},
): void {
  for (const mode of options.modes ?? MODES) {
    scenario(scan, `${name} [${mode.name}]`, async (s) => {
      await body(s, (dir, stackName = 'E2e', o = {}) => s.deploy(dir, stackName, { ...mode.deploy, ...o }), mode);
      if (mode.emulator.enforceIam) expectPolicySufficed(s);
    }, {
      emulator: { ...mode.emulator, ...options.emulator },
      timeoutMs: options.timeoutMs ?? 90_000,
    });
  }
}

/**
 * Under enforceIam: the provider ran as its template role (not PROVIDER_ROLE), the emulator evaluated
 * that role's policies for its requests, and allowed every one.
 */
function expectPolicySufficed(s: Scenario): void {
  const provider = s.emulator.log.filter((e) => e.principal?.includes(':assumed-role/') && (e.service === 'ivs' || e.service === 'secretsmanager'));
  expect(provider.length).toBeGreaterThan(0);
  expect(provider.filter((e) => e.principal!.includes(`:assumed-role/${PROVIDER_ROLE}/`))).toEqual([]);
  const decisions = (e: LogEntry) => (e.notes ?? []).filter((n) => n.startsWith('enforceIam: '));
  // Requests an injected fault, the rate limit or the model's validation answered never reached the authorizer; nor
  // did those of an invocation still running after the rollback deleted its role (IAM no longer knows the principal).
  const roleDeleted = new Map(s.emulator.log.filter((e) => e.operation === 'DeleteRole' && e.status === 200)
    .map((e) => [String((e.input as { RoleName?: unknown } | undefined)?.RoleName), e.seq]));
  const afterItsRole = (e: LogEntry) => e.seq > (roleDeleted.get(e.principal!.split(':assumed-role/')[1]?.split('/')[0] ?? '') ?? Infinity);
  const evaluated = provider.filter((e) => !e.fault && !e.throttled && e.errorType !== 'ValidationException' && !afterItsRole(e));
  expect(evaluated.filter((e) => decisions(e).length === 0).map((e) => e.operation)).toEqual([]);
  expect(evaluated.flatMap(decisions).filter((n) => !/^enforceIam: \S+ allow /.test(n))).toEqual([]);
  expect(evaluated.filter((e) => e.errorType === 'AccessDeniedException')).toEqual([]);
}

/** Requests of the provider (a role session: the fixed role or the template's), of one operation. */
export function providerCalls(s: Scenario, operation: string): LogEntry[] {
  return s.emulator.calls(operation).filter((e) => e.principal?.includes(':assumed-role/'));
}

/** The operations the provider called, in order (IVS and Secrets Manager; STS and IAM left out). */
export function providerOperations(s: Scenario, since = 0): string[] {
  return s.emulator.log.filter((e) => e.seq >= since && e.principal?.includes(':assumed-role/') && (e.service === 'ivs' || e.service === 'secretsmanager'))
    .map((e) => e.operation);
}

/** Every answer CloudFormation got for a step (both deliveries of a duplicated event). */
export function answers(r: StepRecord): Array<[string, string | undefined]> {
  return (r.responses ?? []).map((a) => [a.status, a.physicalId]);
}

/**
 * What a viewer gets at the emulator's playback edge for a private channel's URL with a token
 * signed by `privateKey` (a PEM, or the JSON of a generated pair's secret): the HTTP status.
 */
export async function playWithToken(s: Scenario, channelArn: string, privateKey: string): Promise<number> {
  const channel = s.emulator.state.channel(channelArn);
  expect(channel?.authorized).toBe(true);
  const { playbackUrl } = signPlaybackToken({ privateKey, channelArn, playbackUrl: channel!.playbackUrl, expiresInSeconds: 300 });
  const res = await fetch(s.emulator.playbackUrl(playbackUrl!));
  await res.arrayBuffer();
  return res.status;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
