// A custom resource's Create still running when another resource of the stack's create fails
// (`inFlightCreates`): CloudFormation "will stop waiting for the Create call to complete and send you
// a `Delete` event ... and will invent" a physical ID `<stackname>-<logicalId>-<suffix>` (aws-cdk-lib,
// custom-resources README, "Important cases to handle"), or, as the harness did before, waits.
import { echoDeployments, synthEchoApp } from './echo-app';
import { type HarnessOptions } from './index';

const echo = echoDeployments();

const leftovers = echo.leftovers;

/** Slow (a create of 3 s) and Bad (fails at once), independent of each other. */
const app = () => synthEchoApp(({ echo }) => {
  echo('Slow', { Name: 'slow', SleepMs: 3000 });
  echo('Bad', { Name: 'bad', FailOn: 'Create', FailMessage: 'bad refused' });
});

const deployApp = (options: HarnessOptions) => echo.deploy(app(), options);

test('cancel: the running Create is cancelled, its Delete carries an invented physical ID, and what the Create then makes is left', async () => {
  // WHEN the stack is created and Bad fails while Slow's Create runs
  const d = await deployApp({ inFlightCreates: 'cancel' });

  // THEN Slow was cancelled by CloudFormation, not answered
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const slow = d.result.records.filter((r) => r.logicalId === 'Slow');
  expect(slow.map((r) => [r.requestType, r.phase, r.status])).toEqual([['Create', 'create', 'FAILED'], ['Delete', 'rollback', 'SUCCESS']]);
  expect(slow[0]).toMatchObject({ reason: 'Resource creation cancelled', answeredBy: 'harness', physicalId: expect.stringMatching(/^EchoStack-Slow-[A-Z0-9]{13}$/) });
  // the rollback's Delete named the invented ID, which the handler never made
  expect(slow[1].requestPhysicalId).toBe(slow[0].physicalId);
  // Slow's Lambda went on and answered too late: what it made is left behind (nothing can name it)
  expect(slow[0].responses!.map((a) => [a.status, a.physicalId, a.used])).toEqual([['SUCCESS', 'echo-Slow-slow', false]]);
  expect(leftovers()).toEqual(['echo-Slow-slow']);
}, 60_000);

test('wait (the default): the running Create finishes, its answer decides, and the rollback deletes what it made', async () => {
  // WHEN the stack is created and Bad fails while Slow's Create runs
  const d = await deployApp({});

  // THEN Slow's own answer was taken, and the rollback deleted it by its ID
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const slow = d.result.records.filter((r) => r.logicalId === 'Slow');
  expect(slow.map((r) => [r.requestType, r.phase, r.status, r.requestPhysicalId ?? r.physicalId])).toEqual([
    ['Create', 'create', 'SUCCESS', 'echo-Slow-slow'], ['Delete', 'rollback', 'SUCCESS', 'echo-Slow-slow'],
  ]);
  expect(leftovers()).toEqual([]);
}, 60_000);
