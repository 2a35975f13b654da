// 100 channels in one stack, created at once under IVS's 5 TPS quota on channel operations (which
// cannot be raised), then destroyed.
import { Channel } from 'cdk-ivs';
import { LeakScan, leakScanTest, maxPerSecond, scenario } from './helpers';

const scan = new LeakScan();

const CHANNELS = 100;
/** Every 10th channel also writes its stream key to a secret (PutSecretValue under load). */
const WITH_SECRET = (i: number) => i % 10 === 0;
/**
 * IVS's quota on channel operations: 5 per second, in bursts of 5, enforced by the emulator in real
 * time: 100 creates take at least 20 s, and so do 100 deletes (the handler retries 429s with full
 * jitter, 0.25 s doubling to 2 s). The test is slow for that reason, and only that one.
 */
const QUOTA_TPS = 5;
/** Lambda invocations at once: CloudFormation runs independent resources in parallel. */
const CONCURRENCY = 50;

scenario(scan, `${CHANNELS} channels created at once under the enforced 5 TPS quota all succeed, then all are deleted`, async (s) => {
  // GIVEN a stack of 100 channels, and the grants of the CreateChannel / DeleteChannel quota as they happen
  const dir = s.synthStack((stack) => {
    for (let i = 0; i < CHANNELS; i++) new Channel(stack, `Channel${i}`, { channelName: `mass-${i}`, storeStreamKeyInSecret: WITH_SECRET(i) });
  }, 'Mass');
  const grants: { [operation: string]: number[] } = { CreateChannel: [], DeleteChannel: [] };
  const take = s.emulator.throttle.take.bind(s.emulator.throttle);
  s.emulator.throttle.take = (service, operation, account, region, nowMs) => {
    const granted = take(service, operation, account, region, nowMs);
    if (granted && service === 'ivs' && operation in grants) grants[operation].push(nowMs);
    return granted;
  };

  // WHEN deployed
  const d = await s.deploy(dir, 'Mass', { concurrency: CONCURRENCY });

  // THEN every channel exists exactly once, each created in one invocation (the SDK rode out the 429s)
  const created = d.result;
  expect(created.reason).toBeUndefined();
  expect(created.stackStatus).toBe('CREATE_COMPLETE');
  const channels = created.records.filter((r) => r.resourceType === 'Custom::IvsChannel');
  expect(channels).toHaveLength(CHANNELS);
  expect(channels.every((r) => r.status === 'SUCCESS' && r.invocations === 1)).toBe(true);
  const snapshot = s.emulator.state.snapshot();
  expect(snapshot.channels.map((c) => c.name).sort()).toEqual(Array.from({ length: CHANNELS }, (_, i) => `mass-${i}`).sort());
  expect(snapshot.streamKeys).toHaveLength(CHANNELS);
  expect(snapshot.secrets.filter((x) => x.hasValue)).toHaveLength(CHANNELS / 10);
  const createCalls = s.lambdaCalls('CreateChannel');
  expect(createCalls.filter((e) => e.status === 200)).toHaveLength(CHANNELS);
  // ... throttling really happened, and the quota held: never more grants in a second than a full
  // burst plus a second's refill
  const createThrottles = createCalls.filter((e) => e.status === 429 && e.errorType === 'ThrottlingException').length;
  expect(createThrottles).toBeGreaterThan(0);
  expect(maxPerSecond(grants.CreateChannel)).toBeLessThanOrEqual(2 * QUOTA_TPS);

  // WHEN destroyed
  const deleted = await d.destroy();

  // THEN everything is gone, with the same story for DeleteChannel
  expect(deleted.reason).toBeUndefined();
  expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
  const deleteCalls = s.lambdaCalls('DeleteChannel');
  expect(deleteCalls.filter((e) => e.status === 204)).toHaveLength(CHANNELS);
  const deleteThrottles = deleteCalls.filter((e) => e.status === 429).length;
  expect(deleteThrottles).toBeGreaterThan(0);
  expect(maxPerSecond(grants.DeleteChannel)).toBeLessThanOrEqual(2 * QUOTA_TPS);
  s.expectNothingLeft();

  console.log(`mass deploy of ${CHANNELS} channels (5 TPS quota, ${CONCURRENCY} Lambdas at once): `
    + `create ${(created.durationMs / 1000).toFixed(1)} s with ${createThrottles} ThrottlingExceptions, `
    + `delete ${(deleted.durationMs / 1000).toFixed(1)} s with ${deleteThrottles}; all succeeded`);
}, { concurrent: false, timeoutMs: 180_000 });

leakScanTest(scan, ['stream key', 'SRT passphrase']);
