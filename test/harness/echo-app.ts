/**
 * Tiny CDK apps for the harness's own tests: one CustomResourceProvider (the CDK response
 * wrapper around fixtures/echo-handler) and whatever custom resources a test declares, or a plain
 * stack of L1 resources (synthStack).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, Duration, Stack, type StackProps } from 'aws-cdk-lib';

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
