// Deploys into the emulator under IVS's real rate quotas, through the harness (each Lambda invocation a
// process of its own, as Lambda runs them): N channels with their keys in one or more stacks deployed at
// once, created and then deleted. What the emulator answered is what is counted.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IVS_RATE_LIMITS, IvsEmulator, LogEntry, TEST_ACCOUNT_ID, TEST_CREDENTIALS, startEmulator } from '../test/emulator';
import { OperationResult, deploy } from '../test/harness';
import { Spread, spread } from './stats';

/** The provider Lambda's role (its credentials are issued by the emulator, as Lambda hands them out). */
const PROVIDER_ROLE = 'cdk-ivs-provider';

export interface DeployCase {
  readonly peer: 'cdk-ivs' | 'l1';
  readonly channels: number;
  readonly stacks: number;
  /** Lambda invocations (and simulated resource operations) at once, per stack. */
  readonly concurrency: number;
}

/** One operation (create or delete) of all stacks at once. */
export interface OperationFigures {
  readonly wallMs: number;
  readonly failures: number;
  readonly throttled: number;
  /** IVS calls IVS executed (throttled ones are not), by operation. */
  readonly calls: { readonly [operation: string]: number };
  /** The quota floor: for each operation its calls / its rate; the largest (ms). */
  readonly floorMs: number;
  readonly floorOperation: string;
  /** The longest step: a Lambda invocation, from the request to its answer. */
  readonly longestInvocationMs: number;
  /** When the floor's operation was first and last executed (ms from the start): the ramp-up and the tail. */
  readonly firstCallMs: number;
  readonly lastCallMs: number;
}

export interface DeployRun {
  readonly create: OperationFigures;
  readonly delete: OperationFigures;
  readonly leftOver: number;
}

export interface DeployFigures {
  readonly kase: DeployCase;
  readonly runs: readonly DeployRun[];
  readonly create: Summary;
  readonly delete: Summary;
}

export interface Summary {
  readonly wall: Spread;
  readonly ratio: Spread;
  readonly failures: Spread;
  readonly throttled: Spread;
  readonly callsPerResource: Spread;
  readonly floorMs: number;
  readonly floorOperation: string;
  readonly calls: { readonly [operation: string]: number };
  readonly longestInvocation: Spread;
  /** When the floor's operation was first executed: this machine starting the Lambda processes. */
  readonly firstCall: Spread;
  /** The ratio to the floor from that first call on. */
  readonly ratioAfterStart: Spread;
}

const APP = path.join(__dirname, 'synth-app.js');

function synth(kase: DeployCase, outdir: string, prefix: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [APP, kase.peer, String(kase.channels), 'off', outdir, String(kase.stacks)], {
    encoding: 'utf8', cwd: path.join(__dirname, '..'), env: { ...process.env, BENCH_PREFIX: prefix },
  });
  if (result.status !== 0) throw new Error(`synth for the deploy failed:\n${result.stderr.slice(0, 2000)}`);
}

function stackNames(kase: DeployCase): string[] {
  return kase.stacks === 1 ? ['Bench'] : Array.from({ length: kase.stacks }, (_, k) => `Bench${k + 1}`);
}

function figures(results: readonly OperationResult[], log: readonly LogEntry[], startedAt: number, wallMs: number): OperationFigures {
  const ivs = log.filter((e) => e.service === 'ivs');
  const calls: { [operation: string]: number } = {};
  for (const e of ivs) if (!e.throttled) calls[e.operation] = (calls[e.operation] ?? 0) + 1;
  let floorMs = 0;
  let floorOperation = '-';
  for (const [operation, count] of Object.entries(calls)) {
    const ms = (count / (IVS_RATE_LIMITS[operation] ?? Infinity)) * 1000;
    if (ms > floorMs) [floorMs, floorOperation] = [ms, operation];
  }
  const steps = results.flatMap((r) => r.records);
  const floorCalls = ivs.filter((e) => !e.throttled && e.operation === floorOperation).map((e) => e.time.getTime() - startedAt);
  return {
    firstCallMs: Math.min(...floorCalls),
    lastCallMs: Math.max(...floorCalls),
    wallMs,
    failures: steps.filter((s) => s.status === 'FAILED').length + results.filter((r) => !r.success && !r.records.some((s) => s.status === 'FAILED')).length,
    throttled: ivs.filter((e) => e.throttled).length,
    calls,
    floorMs,
    floorOperation,
    longestInvocationMs: Math.max(0, ...steps.map((s) => s.durationMs)),
  };
}

async function runOnce(kase: DeployCase, dir: string, log: (line: string) => void): Promise<DeployRun> {
  // A fresh emulator each run: empty account, full rate buckets, IVS's real rates in real time.
  const emulator: IvsEmulator = await startEmulator({ throttle: { timeScale: 1 } });
  try {
    const credentials = emulator.issueCredentials(TEST_ACCOUNT_ID, PROVIDER_ROLE);
    const options = {
      endpoint: emulator.url,
      region: emulator.region,
      accountId: TEST_ACCOUNT_ID,
      credentials,
      deployerCredentials: TEST_CREDENTIALS,
      concurrency: kase.concurrency,
    };
    emulator.clearLog();
    let started = Date.now();
    const deployments = await Promise.all(stackNames(kase).map((name) => deploy(dir, name, options)));
    const create = figures(deployments.map((d) => d.result), emulator.log, started, Date.now() - started);
    log(`  create: ${(create.wallMs / 1000).toFixed(1)} s, ${create.failures} failed, ${create.throttled} throttled; `
      + `${create.floorOperation} from ${(create.firstCallMs / 1000).toFixed(1)} s to ${(create.lastCallMs / 1000).toFixed(1)} s; load ${os.loadavg()[0].toFixed(1)}`);
    emulator.clearLog();
    started = Date.now();
    const deleted = await Promise.all(deployments.map((d) => d.destroy()));
    const del = figures(deleted, emulator.log, started, Date.now() - started);
    log(`  delete: ${(del.wallMs / 1000).toFixed(1)} s, ${del.failures} failed, ${del.throttled} throttled; `
      + `${del.floorOperation} from ${(del.firstCallMs / 1000).toFixed(1)} s to ${(del.lastCallMs / 1000).toFixed(1)} s; load ${os.loadavg()[0].toFixed(1)}`);
    await Promise.all(deployments.map((d) => d.close().catch(() => undefined)));
    const snapshot = emulator.state.snapshot();
    return { create, delete: del, leftOver: snapshot.channels.length + snapshot.streamKeys.length };
  } finally {
    await emulator.close();
  }
}

function summarize(runs: readonly DeployRun[], pick: (r: DeployRun) => OperationFigures, channels: number): Summary {
  const ops = runs.map(pick);
  const calls: { [operation: string]: number } = {};
  for (const op of ops) for (const [name, count] of Object.entries(op.calls)) calls[name] = (calls[name] ?? 0) + count / ops.length;
  const floor = spread(ops.map((o) => o.floorMs));
  return {
    wall: spread(ops.map((o) => o.wallMs)),
    ratio: spread(ops.map((o) => o.wallMs / o.floorMs)),
    failures: spread(ops.map((o) => o.failures)),
    throttled: spread(ops.map((o) => o.throttled)),
    callsPerResource: spread(ops.map((o) => Object.values(o.calls).reduce((a, b) => a + b, 0) / channels)),
    floorMs: floor.median,
    floorOperation: ops[0].floorOperation,
    calls,
    longestInvocation: spread(ops.map((o) => o.longestInvocationMs)),
    firstCall: spread(ops.map((o) => o.firstCallMs)),
    ratioAfterStart: spread(ops.map((o) => (o.wallMs - o.firstCallMs) / o.floorMs)),
  };
}

export async function measureDeploy(kase: DeployCase, runs: number, workdir: string, log: (line: string) => void): Promise<DeployFigures> {
  const dir = path.join(workdir, `deploy-${kase.peer}-${kase.channels}x${kase.stacks}`);
  synth(kase, dir, `bench-${kase.peer}`);
  const results: DeployRun[] = [];
  for (let run = 0; run < runs; run++) {
    log(`deploy ${kase.peer}: ${kase.channels} channels in ${kase.stacks} stack(s), ${kase.concurrency} at once per stack, run ${run + 1} of ${runs}`);
    results.push(await runOnce(kase, dir, log));
  }
  return {
    kase,
    runs: results,
    create: summarize(results, (r) => r.create, kase.channels),
    delete: summarize(results, (r) => r.delete, kase.channels),
  };
}
