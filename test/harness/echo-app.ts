/**
 * Tiny CDK apps for the harness's own tests: one CustomResourceProvider (the CDK response
 * wrapper around fixtures/echo-handler) and whatever custom resources a test declares, or a plain
 * stack of L1 resources (synthStack).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type Deployment, deploy } from './deployment';
import type { HarnessOptions } from './types';

export const ECHO_HANDLER_DIR = path.join(__dirname, 'fixtures', 'echo-handler');

const made: string[] = [];

/** Removes every assembly synthEchoApp made in this process. */
export function removeEchoApps(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface EchoApp {
  readonly stack: Stack;
  readonly provider: CustomResourceProvider;
  /** Adds a `Custom::Echo` resource. */
  echo(id: string, properties: Record<string, unknown>, serviceTimeout?: Duration): CustomResource;
}

/** Synthesizes a plain stack (no provider) into a fresh temporary directory; returns the directory. */
export function synthStack(build: (stack: Stack) => void, stackName = 'L1Stack', props: StackProps = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-app-'));
  made.push(outdir);
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  build(new Stack(app, stackName, props));
  app.synth();
  return outdir;
}

/** Synthesizes a stack named `stackName` into a fresh temporary directory; returns the directory. */
export function synthEchoApp(build: (app: EchoApp) => void, stackName = 'EchoStack'): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-app-'));
  made.push(outdir);
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, stackName);
  const provider = CustomResourceProvider.getOrCreateProvider(stack, 'CdkIvsProvider', {
    codeDirectory: ECHO_HANDLER_DIR,
    runtime: CustomResourceProviderRuntime.NODEJS_22_X,
    timeout: Duration.seconds(30),
    environment: { ECHO_FUNCTION_VAR: 'set-by-the-template' },
  });
  build({
    stack,
    provider,
    echo: (id, properties, serviceTimeout) => new CustomResource(stack, id, {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::Echo',
      properties: { ...properties, CodeHash: provider.codeHash },
      serviceTimeout: serviceTimeout ?? Duration.minutes(10),
    }),
  });
  app.synth();
  return outdir;
}

/** A test file's echo deployments: a fresh state directory per test, every deployment closed after it. */
export interface EchoDeployments {
  /** Deploys `dir` (the echo handler keeps its state in this test's directory), closed after the test. */
  deploy(dir: string, options?: HarnessOptions): Promise<Deployment>;
  /** What the echo handler keeps: one file per physical resource, by physical ID. */
  leftovers(): string[];
  /** This test's state directory. */
  readonly stateDir: string;
}

/** Registers the hooks of echo deployments in a test file (call at its top level). */
export function echoDeployments(): EchoDeployments {
  let stateDir = '';
  let deployments: Deployment[] = [];
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-state-'));
    deployments = [];
  });
  afterEach(async () => {
    await Promise.all(deployments.map((d) => d.close()));
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  afterAll(() => removeEchoApps());
  return {
    async deploy(dir, options = {}) {
      // No IAM endpoint here (a fake Secrets Manager at most): the provider's role keeps a made-up identity.
      const d = await deploy(dir, 'EchoStack', { environment: { HARNESS_STATE_DIR: stateDir }, skipTypes: ['AWS::IAM::Role', 'AWS::IAM::Policy'], ...options });
      deployments.push(d);
      return d;
    },
    leftovers: () => fs.readdirSync(stateDir).map(decodeURIComponent).sort(),
    get stateDir() { return stateDir; },
  };
}
