import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CustomResourceProvider, CustomResourceProviderRuntime, Stack, Stage } from 'aws-cdk-lib';
import { assetDirectory, loadStack } from './assembly';
import { ECHO_HANDLER_DIR } from './echo-app';

function synthStaged(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-asm-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stage = new Stage(app, 'Dev', { env: { account: '444455556666', region: 'sa-east-1' } });
  for (const id of ['Media', 'Other']) {
    const stack = new Stack(stage, id);
    CustomResourceProvider.getOrCreateProvider(stack, 'CdkIvsProvider', { codeDirectory: ECHO_HANDLER_DIR, runtime: CustomResourceProviderRuntime.NODEJS_22_X });
  }
  app.synth();
  return outdir;
}

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

test('finds a stack in a nested assembly by display name or stack name, with its environment and assets', () => {
  const dir = synthStaged();
  dirs.push(dir);
  const byDisplay = loadStack(dir, 'Dev/Media');
  const byName = loadStack(dir, 'Dev-Media');
  expect(byName.templateFile).toBe(byDisplay.templateFile);
  expect(byDisplay).toMatchObject({ stackName: 'Dev-Media', account: '444455556666', region: 'sa-east-1' });
  expect(byDisplay.assemblyDir).toBe(path.join(dir, 'assembly-Dev'));

  // the function's S3Key leads to the asset folder, through the asset manifest
  const fn = Object.values<any>(byDisplay.template.Resources as object).find((r) => r.Type === 'AWS::Lambda::Function');
  const codeDir = assetDirectory(byDisplay, fn.Properties.Code.S3Key);
  expect(path.basename(codeDir)).toBe(`asset.${fn.Properties.Code.S3Key.replace('.zip', '')}`);
  expect(fs.readdirSync(codeDir).sort()).toEqual(['__entrypoint__.js', 'index.js']);
  expect(() => assetDirectory(byDisplay, 'feedface.zip')).toThrow(/no asset for S3 key feedface\.zip/);

  expect(() => loadStack(dir)).toThrow(/has 2 stacks \(Dev\/Media, Dev\/Other\); name the one to deploy/);
  expect(() => loadStack(dir, 'Prod/Media')).toThrow(/no single stack "Prod\/Media"/);
});
