import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, CfnOutput, CfnResource, CustomResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { echoDeployments, synthEchoApp } from './echo-app';
import { FakeSecretsManager } from './fake-secrets-manager';
import { CREATE_FAILED_MARKER, type LogEntry, type StepRecord } from './index';

// Every test deploys a tiny app (CustomResourceProvider + fixtures/echo-handler) through the
// harness: each invocation is a real child process running the synthesized asset, the CDK
// response wrapper included, answering over HTTPS.

const echo = echoDeployments();

const leftovers = echo.leftovers;

const deployApp = echo.deploy;

const find = (records: readonly StepRecord[], logicalId: string, requestType: string, phase?: string) =>
  records.filter((r) => r.logicalId === logicalId && r.requestType === requestType && (phase === undefined || r.phase === phase));
const one = (records: readonly StepRecord[], logicalId: string, requestType: string, phase?: string) => {
  const found = find(records, logicalId, requestType, phase);
  expect(found).toHaveLength(1);
  return found[0];
};
const indexOf = (records: readonly StepRecord[], r: StepRecord) => records.indexOf(r);

describe('create, update, destroy', () => {
  let sm: FakeSecretsManager;
  beforeEach(async () => { sm = await FakeSecretsManager.start(); });
  afterEach(async () => { await sm.close(); });

  test('resolves Ref and GetAtt between custom resources, hands scalars over as strings, simulates the secret', async () => {
    // GIVEN an app where B refers to A, A refers to a secret, and outputs refer to both
    const app = (value: number, description: string) => synthEchoApp(({ stack, echo }) => {
      const secret = new CfnSecret(stack, 'Secret', { description, tags: [{ key: 'cdk-ivs:stack', value: stack.stackId }] });
      const a = echo('A', {
        Name: 'a', Value: value, Flag: true, Nested: { List: [1, false, 'x'], Deep: { N: 2.5 } }, SecretArn: secret.ref,
        ShowEnv: 'AWS_REGION,AWS_ACCESS_KEY_ID,AWS_ENDPOINT_URL_IVS,AWS_ENDPOINT_URL_SECRETS_MANAGER,ECHO_FUNCTION_VAR,HARNESS_STATE_DIR,JEST_WORKER_ID,HOME',
      });
      const b = echo('B', { Name: 'b', Value: Fn.join('|', [a.ref, a.getAttString('Value'), Aws.REGION]) });
      new CfnOutput(stack, 'BValue', { value: b.getAttString('Value') });
      new CfnOutput(stack, 'Summary', { value: Fn.sub('${AWS::AccountId}/${AWS::Partition}/${A}/${B.Value}') });
      new CfnOutput(stack, 'SecretArn', { value: secret.ref });
    });
    const lines: string[] = [];
    const logs: LogEntry[] = [];

    // WHEN
    const d = await deployApp(app(5, 'v1'), {
      region: 'eu-west-1',
      endpoint: sm.endpoint,
      serviceEndpoints: { IVS: 'http://127.0.0.1:1/ivs', secretsManager: sm.endpoint },
      onProgress: (line) => lines.push(line),
      onLog: (entry) => logs.push(entry),
    });

    // THEN the stack is up, A before B
    const created = d.result;
    expect(created.stackStatus).toBe('CREATE_COMPLETE');
    const a = one(created.records, 'A', 'Create');
    const b = one(created.records, 'B', 'Create');
    expect(indexOf(created.records, a)).toBeLessThan(indexOf(created.records, b));
    // the secret exists in Secrets Manager, and its Ref (the ARN) reached A
    expect(sm.secrets.size).toBe(1);
    const [secret] = sm.secrets.values();
    expect(secret.name).toMatch(/^Secret-[A-Za-z0-9]{12}$/);
    expect(secret.tags).toEqual([{ Key: 'cdk-ivs:stack', Value: d.stackId }]);
    // every scalar is a string, ServiceToken and ServiceTimeout included, as the handler saw them
    expect(a.properties).toMatchObject({
      ServiceToken: expect.stringMatching(/^arn:aws:lambda:eu-west-1:123456789012:function:EchoStack-/),
      ServiceTimeout: '600',
      Value: '5',
      Flag: 'true',
      Nested: { List: ['1', 'false', 'x'], Deep: { N: '2.5' } },
      SecretArn: secret.arn,
    });
    expect(JSON.parse(String(d.resource('A')!.data.Echo))).toEqual(a.properties);
    // B got A's physical id (Ref) and Data (GetAtt)
    expect(b.properties!.Value).toBe('echo-A-a|5|eu-west-1');
    expect(d.outputs).toEqual({
      BValue: 'echo-A-a|5|eu-west-1',
      Summary: '123456789012/aws/echo-A-a/echo-A-a|5|eu-west-1',
      SecretArn: secret.arn,
    });
    // the Lambda's environment: region, credentials, endpoints, the function's own variables, nothing of the harness's
    expect(JSON.parse(String(d.resource('A')!.data.Env))).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_ENDPOINT_URL_IVS: 'http://127.0.0.1:1/ivs',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      ECHO_FUNCTION_VAR: 'set-by-the-template',
      HARNESS_STATE_DIR: echo.stateDir,
      JEST_WORKER_ID: null,
      HOME: null,
    });
    // the context counts down from the function's Timeout (30 s)
    expect(Number(d.resource('A')!.data.RemainingMs)).toBeGreaterThan(25_000);
    expect(Number(d.resource('A')!.data.RemainingMs)).toBeLessThanOrEqual(30_000);
    // the wrapper's own log lines are captured, in the Lambda runtime's format
    expect(a.logs.some((l) => /\tINFO\tsubmit response to cloudformation https:\/\/cloudformation-custom-resource-response-euwest1\.s3\.amazonaws\.com\//.test(l))).toBe(true);
    expect(logs.filter((l) => l.requestId === a.requestId).map((l) => l.message)).toEqual(a.logs);
    expect(created.logs).toEqual(logs);
    expect(a.logs[0]).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    expect(a.logs[a.logs.length - 1]).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: /);
    expect(a.answeredBy).toBe('handler');
    expect(a.responseAttempts).toBe(1);
    // what is not simulated is listed, and one progress line per resource
    expect(created.skipped.map((s) => s.resourceType).sort()).toEqual(['AWS::IAM::Role', 'AWS::Lambda::Function']);
    expect(lines.filter((l) => l.includes('Custom::Echo'))).toEqual([
      expect.stringMatching(/^CREATE_COMPLETE\s+Custom::Echo\s+A {2}echo-A-a \(\d+\.\d s\)$/),
      expect.stringMatching(/^CREATE_COMPLETE\s+Custom::Echo\s+B {2}echo-B-b/),
    ]);

    // WHEN A's Value and the secret's description change
    const updated = await d.update(app(6, 'v2'));

    // THEN A gets an Update with its old properties, B follows because A's Data changed
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    const aUpdate = one(updated.records, 'A', 'Update');
    expect(aUpdate).toMatchObject({ requestPhysicalId: 'echo-A-a', physicalId: 'echo-A-a', status: 'SUCCESS' });
    expect(aUpdate.properties!.Value).toBe('6');
    expect(aUpdate.oldProperties!.Value).toBe('5');
    const bUpdate = one(updated.records, 'B', 'Update');
    expect(bUpdate.properties!.Value).toBe('echo-A-a|6|eu-west-1');
    expect(bUpdate.oldProperties!.Value).toBe('echo-A-a|5|eu-west-1');
    expect(indexOf(updated.records, aUpdate)).toBeLessThan(indexOf(updated.records, bUpdate));
    expect(secret.description).toBe('v2');
    expect(sm.calls).toContain('UpdateSecret');
    expect(updated.outputs.BValue).toBe('echo-A-a|6|eu-west-1');
    expect(updated.records.filter((r) => r.requestType === 'Delete')).toEqual([]);

    // WHEN nothing changes, nothing is invoked
    const again = await d.update(app(6, 'v2'));
    expect(again.stackStatus).toBe('UPDATE_COMPLETE');
    expect(again.records).toEqual([]);

    // WHEN destroyed
    const destroyed = await d.destroy();

    // THEN B goes before A, the secret is gone, the handler holds nothing
    expect(destroyed.stackStatus).toBe('DELETE_COMPLETE');
    const aDelete = one(destroyed.records, 'A', 'Delete');
    const bDelete = one(destroyed.records, 'B', 'Delete');
    expect(indexOf(destroyed.records, bDelete)).toBeLessThan(indexOf(destroyed.records, aDelete));
    expect(aDelete.properties!.Value).toBe('6');
    expect(sm.secrets.size).toBe(0);
    expect(leftovers()).toEqual([]);
    expect(d.resources()).toEqual([]);
    expect(d.status).toBe('DELETE_COMPLETE');
  });
});

test('a new physical id is a replacement: the old one is deleted after all updates, a removed resource too', async () => {
  // GIVEN
  const app = (name: string, withC: boolean) => synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: name });
    echo('B', { Name: 'b', Value: a.ref });
    if (withC) echo('C', { Name: 'c' });
  });
  const d = await deployApp(app('a1', true));
  expect(leftovers()).toEqual(['echo-A-a1', 'echo-B-b', 'echo-C-c']);

  // WHEN A's name changes and C leaves the template
  const r = await d.update(app('a2', false));

  // THEN
  expect(r.stackStatus).toBe('UPDATE_COMPLETE');
  const aUpdate = one(r.records, 'A', 'Update', 'update');
  expect(aUpdate).toMatchObject({ requestPhysicalId: 'echo-A-a1', physicalId: 'echo-A-a2' });
  expect(one(r.records, 'B', 'Update').properties!.Value).toBe('echo-A-a2');
  const oldA = one(r.records, 'A', 'Delete', 'cleanup');
  expect(oldA).toMatchObject({ requestPhysicalId: 'echo-A-a1', status: 'SUCCESS' });
  expect(oldA.properties!.Name).toBe('a1');
  const c = one(r.records, 'C', 'Delete', 'cleanup');
  const lastUpdate = Math.max(...r.records.filter((x) => x.requestType === 'Update').map((x) => indexOf(r.records, x)));
  expect(indexOf(r.records, oldA)).toBeGreaterThan(lastUpdate);
  expect(indexOf(r.records, c)).toBeGreaterThan(lastUpdate);
  expect(leftovers()).toEqual(['echo-A-a2', 'echo-B-b']);
  expect(d.resources().map((x) => x.logicalId).sort()).toEqual(expect.arrayContaining(['A', 'B']));
  expect(d.resource('C')).toBeUndefined();

  await d.destroy();
  expect(leftovers()).toEqual([]);
});

test('a failed create rolls the stack back: Delete of everything created, the failed one included', async () => {
  // GIVEN B (after A) fails to create
  const dir = synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: 'a' });
    echo('B', { Name: 'b', Value: a.ref, FailOn: 'Create', FailMessage: 'Custom::Echo B (b): CreateThing failed: nope' });
  });

  // WHEN
  const d = await deployApp(dir);

  // THEN
  const r = d.result;
  expect(r.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(r.success).toBe(false);
  expect(r.reason).toBe('The following resource(s) failed to create: [B]. Rollback requested by user.');
  const failed = one(r.records, 'B', 'Create');
  // the wrapper answers FAILED with the error's stack (= its message) and its marker physical id
  expect(failed).toMatchObject({ status: 'FAILED', resourceStatus: 'CREATE_FAILED', reason: 'Custom::Echo B (b): CreateThing failed: nope', physicalId: CREATE_FAILED_MARKER, answeredBy: 'handler' });
  const bDelete = one(r.records, 'B', 'Delete', 'rollback');
  expect(bDelete).toMatchObject({ requestPhysicalId: CREATE_FAILED_MARKER, status: 'SUCCESS' });
  expect(bDelete.logs.some((l) => l.includes('ignoring DELETE event caused by a failed CREATE event'))).toBe(true);
  const aDelete = one(r.records, 'A', 'Delete', 'rollback');
  expect(indexOf(r.records, bDelete)).toBeLessThan(indexOf(r.records, aDelete));
  expect(leftovers()).toEqual([]);
  expect(d.resources()).toEqual([]);
  expect(r.outputs).toEqual({});
  await expect(d.update(dir)).rejects.toThrow(/ROLLBACK_COMPLETE state and can not be updated/);
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
});

test('a failed update rolls back: Update back to the old properties for the updated and the failed resource', async () => {
  // GIVEN
  const app = (value: string, failB: boolean) => synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: 'a', Value: value });
    echo('B', { Name: 'b', Value: a.getAttString('Value'), ...(failB ? { FailOn: 'Update', FailMessage: 'B refused' } : {}) });
  });
  const d = await deployApp(app('1', false));

  // WHEN A updates fine and B fails
  const r = await d.update(app('2', true));

  // THEN
  expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(r.reason).toBe('The following resource(s) failed to update: [B].');
  expect(one(r.records, 'A', 'Update', 'update').status).toBe('SUCCESS');
  expect(one(r.records, 'B', 'Update', 'update')).toMatchObject({ status: 'FAILED', reason: 'B refused', resourceStatus: 'UPDATE_FAILED' });
  const aBack = one(r.records, 'A', 'Update', 'rollback');
  expect(aBack).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'echo-A-a' });
  expect(aBack.properties!.Value).toBe('1');
  expect(aBack.oldProperties!.Value).toBe('2');
  const bBack = one(r.records, 'B', 'Update', 'rollback');
  expect(bBack.status).toBe('SUCCESS');
  expect(bBack.properties).not.toHaveProperty('FailOn');
  expect(bBack.properties!.Value).toBe('1');
  expect(bBack.oldProperties).toMatchObject({ FailOn: 'Update', Value: '2' });
  // the stack and the handler's state are back at the old properties
  expect(d.resource('A')!.properties.Value).toBe('1');
  expect(JSON.parse(fs.readFileSync(path.join(echo.stateDir, 'echo-A-a'), 'utf8')).Value).toBe('1');
  expect(r.outputs).toEqual(d.results[0].outputs);

  // AND the stack can still be updated and destroyed
  expect((await d.update(app('3', false))).stackStatus).toBe('UPDATE_COMPLETE');
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(leftovers()).toEqual([]);
});

test('a failed update deletes what the update created, in the rollback cleanup', async () => {
  const app = (v2: boolean) => synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: 'a' });
    if (v2) echo('N', { Name: 'n' }).node.addDependency(a);
    if (v2) echo('F', { Name: 'f', FailOn: 'Create' }).node.addDependency(a);
  });
  const d = await deployApp(app(false));
  const r = await d.update(app(true));
  expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(r.reason).toBe('The following resource(s) failed to create: [F].');
  expect(one(r.records, 'N', 'Delete', 'cleanup').status).toBe('SUCCESS');
  expect(one(r.records, 'F', 'Delete', 'cleanup').requestPhysicalId).toBe(CREATE_FAILED_MARKER);
  expect(find(r.records, 'A', 'Update')).toEqual([]);
  expect(leftovers()).toEqual(['echo-A-a']);
  await d.destroy();
});

test('the response URL failing twice, then accepting: the wrapper retries and the resource is created', async () => {
  const dir = synthEchoApp(({ echo }) => { echo('A', { Name: 'a' }); });
  const d = await deployApp(dir, { failResponses: 2 });
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(one(d.result.records, 'A', 'Create')).toMatchObject({ status: 'SUCCESS', responseAttempts: 3, invocations: 1 });
  await d.destroy();
});

test('a handler past its Lambda timeout is killed; no answer means FAILED, and a retried invocation is a new process', async () => {
  // GIVEN a handler that sleeps far longer than the (shortened) function timeout
  const dir = synthEchoApp(({ echo }) => { echo('Slow', { Name: 's', SleepMs: 20_000 }); });
  const started = Date.now();

  // WHEN
  const d = await deployApp(dir, { functionTimeoutSeconds: 0.5, lambdaRetries: 1 });

  // THEN
  const rec = one(d.result.records, 'Slow', 'Create');
  expect(rec).toMatchObject({ status: 'FAILED', answeredBy: 'harness', invocations: 2, responseAttempts: 0 });
  expect(rec.reason).toMatch(/^CloudFormation did not receive a response from your Custom Resource\. Please check your logs for requestId \[[0-9a-f-]{36}\]\. \(harness: the Lambda timed out after 0\.5 seconds\)$/);
  expect(rec.logs.filter((l) => /Task timed out after 0\.50 seconds/.test(l))).toHaveLength(2);
  // Lambda's retry of the same event keeps its request ID
  const starts = rec.logs.filter((l) => l.startsWith('START RequestId: '));
  expect(starts).toHaveLength(2);
  expect(starts[1]).toBe(starts[0]);
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  // no physical id was ever answered: nothing to delete
  expect(find(d.result.records, 'Slow', 'Delete')).toEqual([]);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('the ServiceTimeout fails a resource whose answer comes too late', async () => {
  const dir = synthEchoApp(({ echo }) => { echo('Late', { Name: 'l', SleepMs: 1_000 }, Duration.seconds(1)); });
  const d = await deployApp(dir, { serviceTimeoutSeconds: 0.3 });
  const rec = one(d.result.records, 'Late', 'Create');
  expect(rec.status).toBe('FAILED');
  expect(rec.reason).toMatch(/within its ServiceTimeout of 0\.3 seconds/);
  expect(rec.durationMs).toBeLessThan(900);
  // the late answer arrived (the operation waited for the process) and was ignored
  expect(rec.logs.some((l) => l.includes('submit response to cloudformation'))).toBe(true);
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
});

test('NoEcho masks outputs and records, GetAtt still hands the value to other resources; Retain keeps a resource', async () => {
  const dir = synthEchoApp(({ stack, echo }) => {
    const s = echo('S', { Name: 'a', NoEcho: true });
    echo('User', { Name: 'u', Value: s.getAttString('Secret') });
    echo('Kept', { Name: 'k' }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(stack, 'Secret', { value: s.getAttString('Secret') });
    new CfnOutput(stack, 'Plain', { value: s.ref });
  });
  const d = await deployApp(dir);
  expect(d.outputs).toEqual({ Secret: '****', Plain: 'echo-S-a' });
  expect(one(d.result.records, 'S', 'Create')).toMatchObject({ noEcho: true, data: { Secret: '*****', Value: '*****' } });
  expect(one(d.result.records, 'User', 'Create').properties!.Value).toBe('secret-of-a');
  const r = await d.destroy();
  expect(one(r.records, 'Kept', 'Delete')).toMatchObject({ status: 'SKIPPED', resourceStatus: 'DELETE_SKIPPED' });
  expect(r.stackStatus).toBe('DELETE_COMPLETE');
  expect(leftovers()).toEqual(['echo-Kept-k']);
});

test('failures decided on CloudFormation\'s side: a foreign ServiceToken, a secret without an endpoint, a missing attribute, an oversized answer', async () => {
  // GIVEN a custom resource of another account's function, a secret and no Secrets Manager endpoint
  const foreign = synthEchoApp(({ stack }) => {
    new CustomResource(stack, 'Foreign', { serviceToken: 'arn:aws:lambda:us-east-1:999999999999:function:elsewhere', resourceType: 'Custom::Foreign' });
    new CfnResource(stack, 'Bucket', { type: 'AWS::S3::Bucket' });
  });
  const secretOnly = synthEchoApp(({ stack }) => { new CfnSecret(stack, 'Secret', {}); });
  // B refers to an attribute A does not return; C answers more than CloudFormation takes
  const attribute = synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: 'a' });
    echo('B', { Name: 'b', Value: a.getAttString('Missing') });
  });
  const oversized = synthEchoApp(({ echo }) => { echo('C', { Name: 'c', DataBytes: 4096 }); });

  // WHEN / THEN
  const d1 = await deployApp(foreign);
  expect(one(d1.result.records, 'Foreign', 'Create')).toMatchObject({
    status: 'FAILED', answeredBy: 'harness', invocations: 0,
    reason: expect.stringMatching(/ServiceToken arn:aws:lambda:us-east-1:999999999999:function:elsewhere is not a Lambda function of this stack/),
  });
  expect(d1.result.stackStatus).toBe('ROLLBACK_COMPLETE');

  const d2 = await deployApp(secretOnly);
  expect(one(d2.result.records, 'Secret', 'Create')).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/no Secrets Manager endpoint/) });

  const d3 = await deployApp(attribute);
  expect(one(d3.result.records, 'B', 'Create')).toMatchObject({
    status: 'FAILED', answeredBy: 'harness', reason: "CustomResource attribute error: Vendor response doesn't contain Missing key in object echo-A-a",
  });
  expect(one(d3.result.records, 'A', 'Delete', 'rollback').status).toBe('SUCCESS');
  expect(find(d3.result.records, 'B', 'Delete')).toEqual([]);

  const d4 = await deployApp(oversized);
  expect(one(d4.result.records, 'C', 'Create')).toMatchObject({ status: 'FAILED', reason: 'Response object is too long.', answeredBy: 'handler' });
  expect(leftovers()).toEqual(['echo-C-c']); // CloudFormation never learnt its physical id
});

test('a failed delete: DELETE_FAILED, what it depends on stays, the rest goes', async () => {
  const dir = synthEchoApp(({ echo }) => {
    const a = echo('A', { Name: 'a' });
    echo('B', { Name: 'b', Value: a.ref, FailOn: 'Delete', FailMessage: 'B is busy' });
    echo('C', { Name: 'c' });
  });
  const d = await deployApp(dir);
  const r = await d.destroy();
  expect(r.stackStatus).toBe('DELETE_FAILED');
  expect(r.reason).toBe('The following resource(s) failed to delete: [B].');
  expect(one(r.records, 'B', 'Delete')).toMatchObject({ status: 'FAILED', resourceStatus: 'DELETE_FAILED', reason: 'B is busy' });
  expect(one(r.records, 'C', 'Delete').status).toBe('SUCCESS');
  expect(find(r.records, 'A', 'Delete')).toEqual([]);
  expect(d.resources().filter((x) => x.kind === 'custom').map((x) => x.logicalId).sort()).toEqual(['A', 'B']);
  expect(leftovers()).toEqual(['echo-A-a', 'echo-B-b']);
});

test('independent resources run in parallel, at most `concurrency` Lambda processes at once', async () => {
  const dir = synthEchoApp(({ echo }) => {
    for (const id of ['P1', 'P2', 'P3', 'P4']) echo(id, { Name: id, SleepMs: 400 });
  });
  const d = await deployApp(dir, { concurrency: 2 });
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  // the handlers' own clocks: how many ran at the same time
  const spans = ['P1', 'P2', 'P3', 'P4'].map((id) => d.resource(id)!.data).map((x) => [Number(x.StartedAt), Number(x.EndedAt)]);
  const overlapAt = (t: number) => spans.filter(([s, e]) => s <= t && t < e).length;
  const peak = Math.max(...spans.map(([s]) => overlapAt(s)));
  expect(peak).toBe(2);
});
