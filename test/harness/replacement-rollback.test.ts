// A failed update after a replacement, as CloudFormation rolls it back (custom resources:
// "Replacing a custom resource during an update" in the AWS::CloudFormation::CustomResource
// reference; update behaviors; the DeletionPolicy and UpdateReplacePolicy pages): the replaced
// resource gets no reverse Update, keeps its old physical id, and the new physical id is deleted in
// the rollback's cleanup, after every reverse Update. Run under every undocumented choice
// (`replacementRollback`: the Delete's properties, whether Retain keeps the new one).
import { RemovalPolicy } from 'aws-cdk-lib';
import { echoDeployments, synthEchoApp } from './echo-app';
import { REPLACEMENT_ROLLBACK_VARIANTS, type StepRecord } from './index';

const echo = echoDeployments();

const leftovers = echo.leftovers;

const deployApp = echo.deploy;

const steps = (records: readonly StepRecord[], logicalId: string, requestType?: string, phase?: string) => records.filter((r) =>
  r.logicalId === logicalId && (requestType === undefined || r.requestType === requestType) && (phase === undefined || r.phase === phase));

describe.each(REPLACEMENT_ROLLBACK_VARIANTS)('replacementRollback %o', (replacementRollback) => {
  test('the replaced custom resource: no reverse Update, its new physical id deleted in the cleanup, the old one kept', async () => {
    // GIVEN A (replaced when its Name changes), C referring to A, F after C that fails the update
    const app = (name: string, fail: boolean) => synthEchoApp(({ echo }) => {
      const a = echo('A', { Name: name, Value: `value-${name}` });
      const c = echo('C', { Name: 'c', Value: a.ref });
      echo('F', { Name: 'f', Value: c.ref, Tick: name, ...(fail ? { FailOn: 'Update', FailMessage: 'F refused' } : {}) });
    });
    const d = await deployApp(app('a1', false), { replacementRollback });
    expect(leftovers()).toEqual(['echo-A-a1', 'echo-C-c', 'echo-F-f']);

    // WHEN the update replaces A, updates C to the new A, and F fails
    const r = await d.update(app('a2', true));

    // THEN the update ran as CloudFormation runs it
    expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(r.reason).toBe('The following resource(s) failed to update: [F].');
    expect(steps(r.records, 'A', 'Update', 'update')[0]).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'echo-A-a1', physicalId: 'echo-A-a2' });
    expect(steps(r.records, 'C', 'Update', 'update')[0].properties!.Value).toBe('echo-A-a2');
    // the rollback: C and F back to their old properties (C refers to the old A again); A gets no reverse Update
    expect(steps(r.records, 'A', 'Update', 'rollback')).toEqual([]);
    expect(steps(r.records, 'C', 'Update', 'rollback')[0]).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'echo-C-c' });
    expect(steps(r.records, 'C', 'Update', 'rollback')[0].properties!.Value).toBe('echo-A-a1');
    expect(steps(r.records, 'F', 'Update', 'rollback')[0].status).toBe('SUCCESS');
    // the cleanup: one Delete, of the new physical id, after every reverse Update; none of the old one
    const deletes = steps(r.records, 'A', 'Delete');
    expect(deletes.map((x) => [x.phase, x.requestPhysicalId])).toEqual([['cleanup', 'echo-A-a2']]);
    const lastRollback = Math.max(...r.records.filter((x) => x.phase === 'rollback').map((x) => r.records.indexOf(x)));
    expect(r.records.indexOf(deletes[0])).toBeGreaterThan(lastRollback);
    expect(deletes[0].oldProperties).toBeUndefined();
    // with the properties the new one was made with, or the old ones
    expect(deletes[0].properties).toMatchObject(replacementRollback.properties === 'new' ? { Name: 'a2', Value: 'value-a2' } : { Name: 'a1', Value: 'value-a1' });
    // the stack holds the old A, and only it exists
    expect(d.resource('A')!.physicalId).toBe('echo-A-a1');
    expect(d.resource('A')!.properties.Name).toBe('a1');
    expect(leftovers()).toEqual(['echo-A-a1', 'echo-C-c', 'echo-F-f']);

    // AND the stack can go on: a later update replaces A for good, the destroy leaves nothing
    expect((await d.update(app('a3', false))).stackStatus).toBe('UPDATE_COMPLETE');
    expect(leftovers()).toEqual(['echo-A-a3', 'echo-C-c', 'echo-F-f']);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    expect(leftovers()).toEqual([]);
  }, 30_000);

  test('a replaced resource with DeletionPolicy Retain: the new physical id kept or deleted in the rollback, as `retain` says', async () => {
    const app = (name: string, fail: boolean) => synthEchoApp(({ echo }) => {
      const a = echo('A', { Name: name });
      a.applyRemovalPolicy(RemovalPolicy.RETAIN);
      echo('F', { Name: 'f', Value: a.ref, ...(fail ? { FailOn: 'Update' } : {}) });
    });
    const d = await deployApp(app('a1', false), { replacementRollback });
    const r = await d.update(app('a2', true));
    expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const [cleanup] = steps(r.records, 'A', 'Delete', 'cleanup');
    if (replacementRollback.retain === 'deletionPolicy') {
      expect(cleanup).toMatchObject({ status: 'SKIPPED', resourceStatus: 'DELETE_SKIPPED', requestPhysicalId: 'echo-A-a2' });
      expect(leftovers()).toEqual(['echo-A-a1', 'echo-A-a2', 'echo-F-f']);
    } else {
      expect(cleanup).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'echo-A-a2' });
      expect(leftovers()).toEqual(['echo-A-a1', 'echo-F-f']);
    }
    expect(d.resource('A')!.physicalId).toBe('echo-A-a1');
  }, 30_000);
});

test('a resource whose own Update answers FAILED: a reverse Update of its old physical id, no cleanup Delete', async () => {
  // GIVEN A fails its own update (the handler answers FAILED; the CDK wrapper answers the old physical id)
  const app = (name: string, fail: boolean) => synthEchoApp(({ echo }) => {
    echo('A', { Name: name, ...(fail ? { FailOn: 'Update' } : {}) });
  });
  const d = await deployApp(app('a1', false));
  const r = await d.update(app('a2', true));
  expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  // THEN its rollback is a reverse Update of the old physical id, and nothing is deleted
  expect(steps(r.records, 'A').map((x) => [x.requestType, x.phase, x.requestPhysicalId])).toEqual([['Update', 'update', 'echo-A-a1'], ['Update', 'rollback', 'echo-A-a1']]);
  expect(leftovers()).toEqual(['echo-A-a1']);
});
