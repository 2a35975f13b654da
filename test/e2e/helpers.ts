// What the end-to-end tests share: a scenario (one emulator, the apps it synthesizes, the stacks it
// deploys through the harness) and the scan of every log line for the secret values the emulator
// generated or stored. Every scenario has its own emulator, so scenarios can run concurrently
// (`test.concurrent`) without seeing each other's resources, quotas or rate limits.
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { IvsClient } from '@aws-sdk/client-ivs';
import { App, Stack } from 'aws-cdk-lib';
import type { PlaybackKeyPairSecretValue, StreamSecretValue } from '../../lib/contract';
import {
  type Credentials, type EmulatorOptions, type IvsEmulator, type LogEntry as RequestLogEntry, type SecretRecord,
  TEST_ACCOUNT_ID, TEST_ACCOUNT_IDS, TEST_CREDENTIALS, startEmulator,
} from '../emulator';
import { type ChannelRecord } from '../emulator/state';
import { type Deployment, type HarnessOptions, type OperationResult, type StepRecord, deploy } from '../harness';

/** The role the provider Lambda runs as (its credentials are issued by the emulator, like STS would). */
export const PROVIDER_ROLE = 'cdk-ivs-provider';

/**
 * The role CloudFormation acts as in an account other than the test user's: the CDK bootstrap's
 * CloudFormation execution role, `cdk-hnb659fds-cfn-exec-role-<account>-<region>`.
 */
export const deployerRoleName = (account: string, region: string) => `cdk-hnb659fds-cfn-exec-role-${account}-${region}`;

/** The emulator holds nothing at all (secrets scheduled for deletion included). */
export const NOTHING: ReturnType<IvsEmulator['state']['snapshot']> = {
  channels: [], streamKeys: [], playbackKeyPairs: [], recordingConfigurations: [], playbackRestrictionPolicies: [], secrets: [], roles: [],
};

/** The handler's deadline reason (lambda/clients.ts), as the FAILED reason shows it. */
export const DEADLINE_TEXT = "no answer before the handler's deadline (10 s before the Lambda times out); deploy again";

// ---------------------------------------------------------------------------------------------
// The log scan

type Kind = 'stream key' | 'SRT passphrase' | 'private key';

export interface Leak {
  readonly kind: Kind;
  readonly where: string;
}

/**
 * Every stream key value, SRT passphrase and private key an emulator ever held (collected as the
 * emulator creates or stores them, so values deleted within a deployment are known too), and every
 * line the scenarios produced: Lambda log events, step and stack reasons, progress lines, and the
 * emulator's request log (what CloudTrail would keep).
 */
export class LeakScan {
  readonly values = new Map<string, Kind>();
  readonly lines: Array<{ readonly where: string; readonly text: string }> = [];

  count(kind: Kind): number {
    return [...this.values.values()].filter((k) => k === kind).length;
  }

  /** Hooks an emulator's state: every channel, stream key and secret it stores is read. */
  watch(emulator: IvsEmulator): (entry: RequestLogEntry) => void {
    const { state } = emulator;
    onSet(state.channels, (record) => this.add('SRT passphrase', record.srt.passphrase));
    onSet(state.streamKeys, (record) => this.add('stream key', record.value));
    const readSecret = (record: SecretRecord | undefined) => {
      for (const version of record?.versions ?? []) this.addSecretString(version.secretString);
    };
    onDelete(state.secrets, (arn) => readSecret(state.secrets.get(arn)));
    // A value is written by PutSecretValue; the request is logged right after the answer, before
    // anything can delete the secret.
    return (entry) => {
      if (entry.service === 'secretsmanager' && entry.arn && entry.account) {
        readSecret(state.findSecret(entry.account, entry.region ?? emulator.region, entry.arn));
      }
    };
  }

  /** Reads whatever the emulator still holds (at the end of a scenario). */
  sweep(emulator: IvsEmulator): void {
    const { state } = emulator;
    for (const c of state.channels.values()) this.add('SRT passphrase', c.srt.passphrase);
    for (const k of state.streamKeys.values()) this.add('stream key', k.value);
    for (const s of state.secrets.values()) for (const v of s.versions) this.addSecretString(v.secretString);
  }

  addLines(where: string, texts: Iterable<string | undefined>): void {
    for (const text of texts) if (text) this.lines.push({ where, text });
  }

  /** Every line of a deployment's operations. */
  addDeployment(label: string, d: Deployment): void {
    d.results.forEach((result, i) => {
      const where = `${label} ${d.stackName} #${i + 1} ${result.operation}`;
      this.addLines(where, result.logs.map((l) => l.message));
      this.addLines(`${where} (reasons)`, [result.reason, ...result.records.map((r) => r.reason)]);
    });
  }

  /**
   * The lines that hold a collected value, or anything shaped like a stream key or a private key
   * (a key generated but never stored is not collected), once per kind and place. `lines`
   * defaults to every line added.
   */
  findLeaks(lines: ReadonlyArray<{ readonly where: string; readonly text: string }> = this.lines): Leak[] {
    const found = new Map<string, Leak>();
    const leak = (kind: Kind, where: string) => found.set(`${kind}\n${where}`, { kind, where });
    for (const { where, text } of lines) {
      for (const [value, kind] of this.values) if (text.includes(value)) leak(kind, where);
      for (const [pattern, kind] of LEAK_PATTERNS) if (pattern.test(text)) leak(kind, where);
    }
    return [...found.values()];
  }

  private add(kind: Kind, value: string | undefined): void {
    if (!value) return;
    if (kind === 'private key') {
      // A PEM can leak whole, JSON-escaped ("\n") or split over log lines: each base64 line is a needle.
      for (const line of value.split('\n')) if (line.length >= 32 && !line.startsWith('-----')) this.values.set(line, kind);
      return;
    }
    this.values.set(value, kind);
  }

  private addSecretString(secretString: string | undefined): void {
    if (!secretString) return;
    let json: Partial<StreamSecretValue & PlaybackKeyPairSecretValue>;
    try {
      json = JSON.parse(secretString);
    } catch {
      return;
    }
    this.add('stream key', json.streamKey);
    this.add('SRT passphrase', json.srtPassphrase);
    this.add('private key', json.privateKey);
  }
}

/** Shapes no log line may hold, whatever their value. */
const LEAK_PATTERNS: ReadonlyArray<readonly [RegExp, Kind]> = [
  [/sk_[a-z]{2}-[a-z]+-[0-9]_[A-Za-z0-9]{12}_[A-Za-z0-9]{23}/, 'stream key'],
  [/PRIVATE KEY-----/, 'private key'],
  // The PKCS#8 header of every P-384 private key, base64: the first line of such a PEM.
  [/MIG2AgEAMBAGByqGSM49AgEGBSuBBAAi/, 'private key'],
];

/** Calls `spy` with every value stored in `map`, before it is stored. */
function onSet<K, V>(map: Map<K, V>, spy: (value: V) => void): void {
  const set = map.set.bind(map);
  map.set = (key: K, value: V) => {
    spy(value);
    return set(key, value);
  };
}

/** Calls `spy` with every key deleted from `map`, before it is deleted. */
function onDelete<K, V>(map: Map<K, V>, spy: (key: K) => void): void {
  const remove = map.delete.bind(map);
  map.delete = (key: K) => {
    spy(key);
    return remove(key);
  };
}

/**
 * The test that ends every e2e file: the values were collected, a planted leak is found (the scan
 * can fail), and no line of any scenario of the file holds any of them.
 */
export function leakScanTest(scan: LeakScan, expected: readonly Kind[]): void {
  test(`no log line of any run holds a ${expected.join(', ')}`, () => {
    // GIVEN every value the emulators held, and every line of every run of this file
    for (const kind of expected) expect(scan.count(kind)).toBeGreaterThan(0);
    for (const value of scan.values.keys()) expect(value.length).toBeGreaterThanOrEqual(16);
    expect(scan.lines.length).toBeGreaterThan(0);
    expect(scan.lines.some((l) => l.text.includes('submit response to cloudformation'))).toBe(true);

    // WHEN a value is planted in a line as a careless handler would log it, THEN the scan finds it
    for (const kind of expected) {
      const value = [...scan.values].find(([, k]) => k === kind)![0];
      const planted = `2026-01-01T00:00:00.000Z\tx\tINFO\t${JSON.stringify({ Data: { leaked: `-----BEGIN\n${value}\n` } })}`;
      expect(scan.findLeaks([{ where: 'planted', text: planted }])).toEqual([{ kind, where: 'planted' }]);
    }

    // WHEN a private key no emulator ever held is logged, THEN the scan finds it by its shape
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'secp384r1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(scan.findLeaks([{ where: 'planted', text: `INFO\t${JSON.stringify({ privateKey })}` }])).toEqual([{ kind: 'private key', where: 'planted' }]);

    // THEN no real line holds any value
    expect(scan.findLeaks()).toEqual([]);
  });
}

// ---------------------------------------------------------------------------------------------
// Scenarios

export interface ScenarioOptions {
  /** Emulator options; real IVS quotas and rate limits unless a test says otherwise. */
  readonly emulator?: Omit<EmulatorOptions, 'onRequest'>;
}

export interface ScenarioDeployOptions extends HarnessOptions {
  /**
   * The account the stack goes to: the Lambda runs as PROVIDER_ROLE there, CloudFormation as the
   * test user (first account) or the account's CDK execution role (deployerRoleName).
   * @default TEST_ACCOUNT_ID
   */
  readonly account?: string;
  /** Each Lambda runs as its execution role from the template (the harness's executionRoleCredentials)
   * instead of PROVIDER_ROLE. @default false */
  readonly executionRole?: boolean;
}

/** One emulator, the apps synthesized for it and the stacks deployed into it. */
export class Scenario {
  static async start(scan: LeakScan, label: string, options: ScenarioOptions = {}): Promise<Scenario> {
    const listeners: Array<(entry: RequestLogEntry) => void> = [];
    const emulator = await startEmulator({ ...options.emulator, onRequest: (entry) => listeners.forEach((l) => l(entry)) });
    const scenario = new Scenario(scan, label, emulator, listeners);
    listeners.push(scan.watch(emulator));
    return scenario;
  }

  /** The provider Lambda's credentials (a role session in the test account). */
  readonly lambdaCredentials: Credentials;
  private readonly sessions = new Map<string, Credentials>();
  /** Every progress line of every deployment. */
  readonly progress: string[] = [];
  private readonly deployments: Deployment[] = [];
  private readonly dirs: string[] = [];
  private client?: IvsClient;

  private constructor(
    readonly scan: LeakScan,
    readonly label: string,
    readonly emulator: IvsEmulator,
    private readonly listeners: Array<(entry: RequestLogEntry) => void>,
  ) {
    this.lambdaCredentials = emulator.issueCredentials(TEST_ACCOUNT_ID, PROVIDER_ROLE);
  }

  /** Calls `listener` with every request the emulator answers. */
  onRequest(listener: (entry: RequestLogEntry) => void): void {
    this.listeners.push(listener);
  }

  /** Synthesizes an app into a fresh directory (removed by close()); returns the directory. */
  synth(build: (app: App) => void, context?: Record<string, unknown>): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-e2e-'));
    this.dirs.push(outdir);
    const app = new App({ outdir, builtinCloudFormationValidation: false, context });
    build(app);
    app.synth();
    return outdir;
  }

  /** Synthesizes one stack named `stackName`. */
  synthStack(build: (stack: Stack) => void, stackName = 'E2e'): string {
    return this.synth((app) => build(new Stack(app, stackName)));
  }

  /** A session of `roleName` in `account`, one per scenario (as a service keeps its role's credentials). */
  session(account: string, roleName: string): Credentials {
    const key = `${account}:${roleName}`;
    let c = this.sessions.get(key);
    if (!c) this.sessions.set(key, (c = this.emulator.issueCredentials(account, roleName)));
    return c;
  }

  /** The provider Lambda's credentials in an account (PROVIDER_ROLE there). */
  lambdaCredentialsFor(account: string): Credentials {
    return account === TEST_ACCOUNT_ID ? this.lambdaCredentials : this.session(account, PROVIDER_ROLE);
  }

  /** CloudFormation's credentials in an account: the test user's in the first, the CDK execution role elsewhere. */
  deployerCredentialsFor(account: string, region = this.emulator.region): Credentials {
    return account === TEST_ACCOUNT_ID ? TEST_CREDENTIALS : this.session(account, deployerRoleName(account, region));
  }

  /**
   * Deploys a stack with the harness into `options.account` (default the test account): the Lambda
   * runs as the provider role there (or its template role with `executionRole`), CloudFormation's
   * own calls (secrets, IAM, IVS L1 resources) are the account's deployer's.
   */
  async deploy(assemblyDir: string, stackName = 'E2e', options: ScenarioDeployOptions = {}): Promise<Deployment> {
    const { account = TEST_ACCOUNT_ID, executionRole = false, ...harness } = options;
    if (!TEST_ACCOUNT_IDS.includes(account)) throw new Error(`scenario: the emulator knows no account ${account}`);
    const region = harness.region ?? this.emulator.region;
    const d = await deploy(assemblyDir, stackName, {
      endpoint: this.emulator.url,
      region,
      accountId: account,
      credentials: this.lambdaCredentialsFor(account),
      deployerCredentials: this.deployerCredentialsFor(account, region),
      ...(executionRole ? { executionRoleCredentials: (arn: string) => this.session(arn.split(':')[4], arn.split('/').pop()!) } : {}),
      onProgress: (line) => this.progress.push(line),
      ...harness,
    });
    this.deployments.push(d);
    return d;
  }

  /** The latest deployment of `stackName` in `account` (fails when there is none). */
  stack(stackName: string, account = TEST_ACCOUNT_ID): Deployment {
    const found = this.deployments.filter((d) => d.stackName === stackName && d.accountId === account);
    expect(found.map((d) => `${d.accountId}/${d.stackName}`)).not.toEqual([]);
    return found[found.length - 1];
  }

  /** The outputs of the latest deployment of `stackName` in `account`, as its last operation left them. */
  outputs(stackName: string, account = TEST_ACCOUNT_ID): Readonly<Record<string, string>> {
    return this.stack(stackName, account).outputs;
  }

  /** An IVS client of the test user, for what happens behind the stack's back. */
  get ivs(): IvsClient {
    // One attempt, so each call shows what the emulator answered; no kept-alive sockets, so a call after a long
    // step never reuses one the server is closing (Node's keepAliveTimeout, 5 s: an ECONNRESET seen under load).
    this.client ??= new IvsClient({ ...this.emulator.clientConfig(), maxAttempts: 1,
      requestHandler: { httpAgent: new HttpAgent({ keepAlive: false }) } });
    return this.client;
  }

  /** The channel named `name` (SRT passphrase included). */
  channel(name: string): ChannelRecord {
    const found = [...this.emulator.state.channels.values()].filter((c) => c.name === name);
    expect(found.map((c) => c.name)).toEqual([name]);
    return this.emulator.state.channel(found[0].arn)!;
  }

  /** The JSON a secret holds now. */
  secretJson<T>(secretArn: string): T {
    const value = this.emulator.state.getSecretString(secretArn);
    expect(value).toBeDefined();
    return JSON.parse(value!) as T;
  }

  /** Requests the emulator answered for the provider role (the Lambda), of one operation. */
  lambdaCalls(operation: string): RequestLogEntry[] {
    return this.emulator.calls(operation).filter((e) => e.principal?.includes(`:assumed-role/${PROVIDER_ROLE}/`));
  }

  /** Asserts the emulator holds no resource at all, and never failed internally. */
  expectNothingLeft(): void {
    expect(this.emulator.state.snapshot()).toEqual(NOTHING);
    expect(this.emulator.state.isEmpty({ countScheduledSecrets: true })).toBe(true);
    this.expectNoEmulatorFailure();
  }

  expectNoEmulatorFailure(): void {
    expect(this.emulator.log.filter((e) => e.internalError !== undefined || e.unknownMembers !== undefined)).toEqual([]);
  }

  /** Hands every line to the scan, then closes the deployments and the emulator. */
  async close(): Promise<void> {
    for (const d of this.deployments) this.scan.addDeployment(this.label, d);
    this.scan.addLines(`${this.label}: progress`, this.progress);
    this.scan.addLines(`${this.label}: emulator request log`, this.emulator.log.map((e) => JSON.stringify(e)));
    this.scan.sweep(this.emulator);
    await Promise.all(this.deployments.map((d) => d.close()));
    this.client?.destroy();
    await this.emulator.close();
    for (const dir of this.dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A test with its own scenario, closed (and scanned) whatever happens. */
export function scenario(
  scan: LeakScan,
  name: string,
  body: (s: Scenario) => Promise<void>,
  options: ScenarioOptions & { timeoutMs?: number; concurrent?: boolean } = {},
): void {
  const run = async () => {
    const s = await Scenario.start(scan, name, options);
    try {
      await body(s);
    } finally {
      await s.close();
    }
  };
  (options.concurrent === false ? test : test.concurrent)(name, run, options.timeoutMs ?? 30_000);
}

// ---------------------------------------------------------------------------------------------
// Reading results

/** The step records of the resource whose logical id starts with `id` (the construct id). */
export function steps(result: OperationResult, id: string, filter: Partial<Pick<StepRecord, 'requestType' | 'phase' | 'resourceType' | 'status'>> = {}): StepRecord[] {
  return result.records.filter((r) => r.logicalId.startsWith(id)
    && Object.entries(filter).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v));
}

/** The one step record that matches (fails otherwise). */
export function step(result: OperationResult, id: string, filter: Partial<Pick<StepRecord, 'requestType' | 'phase' | 'resourceType' | 'status'>> = {}): StepRecord {
  const found = steps(result, id, filter);
  expect(found.map((r) => `${r.logicalId} ${r.requestType} ${r.phase}`)).toHaveLength(1);
  return found[0];
}

/** The logical id of the custom resource of a construct (e.g. 'Live' → 'LiveE1A2B3C4'). */
export function logicalIdOf(d: Deployment, id: string, resourceType: string): string {
  const found = d.resources().filter((r) => r.logicalId.startsWith(id) && r.resourceType === resourceType);
  expect(found).toHaveLength(1);
  return found[0].logicalId;
}

/**
 * The REQUEST_TAG value of what the request `requestId` created: its ID, the start of the invocation that made it,
 * when it sent the create, and the hash of the event.
 */
export function madeByRequest(requestId: string | undefined): unknown {
  return expect.stringMatching(new RegExp(`^${requestId} [0-9a-z]+ [0-9a-z]+ [0-9A-Za-z_-]{22}$`));
}

/** Escapes a string for a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The most timestamps (ms) in any one-second window: what a rate quota allows is at most its bucket plus a second's refill. */
export function maxPerSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
