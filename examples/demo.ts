// `npm run demo`: the example app end to end with no AWS account. Synthesizes examples/ with the
// aws-cdk CLI, deploys it into the local IVS emulator (test/emulator) through the local deploy harness
// (test/harness, which runs the synthesized provider asset as CloudFormation would), prints what a
// user wants from it, applies an update, destroys it and checks nothing is left behind.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS } from '../test/emulator';
import { deploy, OperationResult } from '../test/harness';

const STACK = 'CdkIvsExample';
const examples = __dirname;
const cdkCli = path.join(examples, '..', 'node_modules', '.bin', 'cdk');

/** `cdk synth` of the example app at one stage, into its own cloud assembly folder. */
function synth(stage: string, outdir: string): void {
  const started = Date.now();
  try {
    execFileSync(cdkCli, ['synth', '--quiet', '--no-notices', '-c', `stage=${stage}`, '-o', outdir], {
      cwd: examples,
      stdio: 'pipe',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
    });
  } catch (error) {
    // The CLI's own words (its stderr) say what went wrong; it is quiet only on success.
    process.stderr.write((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`cdk synth (stage=${stage}) failed`, { cause: error });
  }
  console.log(`synthesized ${STACK} (stage=${stage}) with the aws-cdk CLI in ${Date.now() - started} ms`);
}

/** One line per resource step; resources the harness does not simulate (IAM, Lambda) are left out. */
function progress(line: string, event: { status: string }): void {
  if (event.status !== 'SKIPPED') console.log(`  ${line}`);
}

function check(result: OperationResult, expected: string): void {
  console.log(`${expected === result.stackStatus ? '✔' : '✘'} ${result.stackStatus} in ${result.durationMs} ms\n`);
  if (result.stackStatus !== expected) throw new Error(`expected ${expected}, got ${result.stackStatus}: ${result.reason ?? ''}`);
}

async function main(): Promise<void> {
  // The Lambda runtime is Node 24; the SDK's notice about older local Node versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-demo-'));
  const emulator = await startEmulator({ region: 'us-east-1' });
  console.log(`IVS emulator (IVS, Secrets Manager, STS) listening on ${emulator.url}\n`);
  try {
    const initial = path.join(work, 'cdk.out');
    const updated = path.join(work, 'cdk.out.update');
    synth('initial', initial);
    synth('update', updated);

    console.log(`\n== deploy ${STACK}`);
    const stack = await deploy(initial, STACK, {
      endpoint: emulator.url,
      credentials: TEST_CREDENTIALS,
      accountId: TEST_ACCOUNT_ID,
      region: emulator.region,
      onProgress: progress,
    });
    check(stack.result, 'CREATE_COMPLETE');

    console.log('Outputs (secrets stay in Secrets Manager; only their ARNs are printed):');
    for (const [name, value] of Object.entries(stack.outputs)) console.log(`  ${name.padEnd(28)} ${value}`);
    const secretArn = stack.outputs.StreamKeySecretArn;
    const fields = Object.keys(JSON.parse(emulator.state.getSecretString(secretArn) ?? '{}'));
    console.log(`  the stream key secret holds: ${fields.join(', ')}`);
    const snapshot = emulator.state.snapshot();
    console.log(`  in the emulator: ${summary(snapshot)}\n`);

    console.log(`== update ${STACK} (latency mode, tags, stream key rotation, multitrack resolution)`);
    check(await stack.update(updated), 'UPDATE_COMPLETE');
    for (const [name, value] of Object.entries(stack.outputs)) {
      if (/StreamKeyArn|PlaybackUrl/.test(name)) console.log(`  ${name.padEnd(28)} ${value}`);
    }
    console.log();

    console.log(`== destroy ${STACK}`);
    const destroyed = await stack.destroy();
    if (!destroyed.success) await stack.close();
    check(destroyed, 'DELETE_COMPLETE');
    const left = emulator.state.snapshot();
    if (!emulator.state.isEmpty()) throw new Error(`resources left behind: ${JSON.stringify(left)}`);
    console.log(`Nothing left in the emulator (${summary(left)}).`);
    const throttled = emulator.log.filter((entry) => entry.throttled).length;
    console.log(`${emulator.log.length} AWS API calls answered by the emulator, ${throttled} throttled.`);
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** "3 channels, 3 stream keys, ..." from a snapshot's lists. */
function summary(snapshot: object): string {
  return Object.entries(snapshot)
    .filter(([, value]) => Array.isArray(value))
    .map(([name, value]) => `${(value as unknown[]).length} ${name}`)
    .join(', ');
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
