import { echoDeployments, synthEchoApp } from './echo-app';
import { type DuplicateDelivery, type StepRecord } from './index';

// Lambda may deliver an asynchronous event more than once: the same event (same RequestId and
// ResponseURL) reaches a second invocation, one after the other or both at once, and both answer
// on the one ResponseURL. Which answer CloudFormation takes is an option (first / last).

const echo = echoDeployments();

const leftovers = echo.leftovers;

const deployApp = echo.deploy;

const one = (records: readonly StepRecord[], logicalId: string, requestType: string) => {
  const found = records.filter((r) => r.logicalId === logicalId && r.requestType === requestType);
  expect(found).toHaveLength(1);
  return found[0];
};
const num = (v: unknown) => Number(v);

describe.each([
  ['sequential', 'first'], ['sequential', 'last'], ['concurrent', 'first'], ['concurrent', 'last'],
] as const)('%s deliveries, %s answer wins', (mode, answers) => {
  test('a create that is not idempotent, delivered twice', async () => {
    // GIVEN a handler that makes a new resource per invocation, and a resource that refers to it
    const dir = synthEchoApp(({ echo }) => {
      const dup = echo('Dup', { Name: 'd', PerDelivery: 'true', ShowResponseUrl: 'true', SleepMs: mode === 'concurrent' ? 800 : 0 });
      echo('After', { Name: 'a', Value: dup.ref });
    });

    // WHEN its Create is delivered twice
    const d = await deployApp(dir, { duplicateDeliveries: [{ logicalId: 'Dup', requestType: 'Create', mode }], duplicateAnswers: answers });

    // THEN both deliveries ran with the same event and answered; the record holds both answers
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const rec = one(d.result.records, 'Dup', 'Create');
    expect(rec).toMatchObject({ deliveries: 2, invocations: 2, responseAttempts: 2, status: 'SUCCESS' });
    const [a, b] = rec.responses!;
    expect(rec.responses).toHaveLength(2);
    expect([a.status, b.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(a.data.RequestId).toBe(rec.requestId);
    expect(b.data.RequestId).toBe(rec.requestId);
    expect(b.data.ResponseURL).toBe(a.data.ResponseURL);
    expect(b.data.AwsRequestId).toBe(a.data.AwsRequestId); // awsRequestId 'same' by default
    expect(a.physicalId).not.toBe(b.physicalId);
    if (mode === 'sequential') {
      expect(num(b.data.StartedAt)).toBeGreaterThanOrEqual(num(a.data.EndedAt));
    } else {
      expect(num(a.data.StartedAt)).toBeLessThan(num(b.data.EndedAt));
      expect(num(b.data.StartedAt)).toBeLessThan(num(a.data.EndedAt));
    }
    // the answer CloudFormation took: the first to arrive, or the last
    const usedOne = answers === 'first' ? a : b;
    const other = answers === 'first' ? b : a;
    expect([a.used, b.used]).toEqual(answers === 'first' ? [true, false] : [false, true]);
    expect(rec.physicalId).toBe(usedOne.physicalId);
    expect(d.resource('Dup')!.physicalId).toBe(usedOne.physicalId);
    expect(one(d.result.records, 'After', 'Create').properties!.Value).toBe(usedOne.physicalId);
    // `first` decides on arrival (before a sequential duplicate starts); `last` once both have answered
    if (answers === 'first' && mode === 'sequential') expect(rec.startedAt + rec.durationMs).toBeLessThanOrEqual(num(b.data.StartedAt));
    if (answers === 'last') expect(rec.startedAt + rec.durationMs).toBeGreaterThanOrEqual(b.receivedAt);
    expect(leftovers()).toEqual([a.physicalId, b.physicalId, 'echo-After-a'].sort());

    // WHEN destroyed, THEN the answer not taken left its resource behind: the stack never knew it
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    expect(leftovers()).toEqual([other.physicalId]);
  });
});

test.each(['same', 'new'] as const)('the duplicate\'s Lambda request ID: %s', async (awsRequestId) => {
  const dir = synthEchoApp(({ echo }) => { echo('Dup', { Name: 'd' }); });
  const duplicate: DuplicateDelivery = { mode: 'sequential', awsRequestId };
  const d = await deployApp(dir, { duplicateDeliveries: [duplicate] });
  const [a, b] = one(d.result.records, 'Dup', 'Create').responses!;
  expect(b.data.RequestId).toBe(a.data.RequestId);
  if (awsRequestId === 'same') expect(b.data.AwsRequestId).toBe(a.data.AwsRequestId);
  else expect(b.data.AwsRequestId).not.toBe(a.data.AwsRequestId);
  // an idempotent handler answers the same twice; only the matching requests are duplicated
  expect(b.physicalId).toBe(a.physicalId);
  const destroyed = await d.destroy();
  expect(one(destroyed.records, 'Dup', 'Delete')).toMatchObject({ deliveries: 2, invocations: 2, status: 'SUCCESS' });
  expect(leftovers()).toEqual([]);
});

test('without duplicateDeliveries an event is delivered once; a rule for another resource leaves it alone', async () => {
  const dir = synthEchoApp(({ echo }) => { echo('A', { Name: 'a' }); echo('B', { Name: 'b' }); });
  const d = await deployApp(dir, { duplicateDeliveries: [{ logicalId: 'B', requestType: 'Delete', mode: 'concurrent' }] });
  expect(one(d.result.records, 'A', 'Create')).toMatchObject({ deliveries: 1, invocations: 1 });
  expect(one(d.result.records, 'A', 'Create').responses).toEqual([expect.objectContaining({ status: 'SUCCESS', physicalId: 'echo-A-a', used: true })]);
  expect(one(d.result.records, 'B', 'Create')).toMatchObject({ deliveries: 1, invocations: 1 });
  const destroyed = await d.destroy();
  expect(one(destroyed.records, 'A', 'Delete')).toMatchObject({ deliveries: 1, invocations: 1 });
  expect(one(destroyed.records, 'B', 'Delete')).toMatchObject({ deliveries: 2, invocations: 2 });
  expect(one(destroyed.records, 'B', 'Delete').responses!.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
});
