import { CustomResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LeakScan, scenario } from '../e2e/helpers';
import { removeEchoApps, synthEchoApp } from './echo-app';
import type { DuplicateDelivery } from './index';

// Duplicate deliveries asked for from an e2e Scenario, on one resource's Create: the resource named
// by its construct id (CDK adds an 8-character hash to the logical id of a nested resource) or by
// its type, delivered twice one after the other or both at once.

const scan = new LeakScan();
afterAll(() => removeEchoApps());

/** `Live` (a construct holding a custom resource, logical id Live<hash>) and `Other` after it. */
function app(concurrent: boolean): string {
  return synthEchoApp(({ stack, provider }) => {
    const live = new CustomResource(new Construct(stack, 'Live'), 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::LiveThing',
      properties: { Name: 'live', PerDelivery: 'true', SleepMs: concurrent ? 800 : 0 },
    });
    new CustomResource(stack, 'Other', { serviceToken: provider.serviceToken, resourceType: 'Custom::Echo', properties: { Name: 'o', Value: live.ref } });
    expect(Stack.of(live).resolve(live.ref)).toEqual({ Ref: expect.stringMatching(/^Live[0-9A-F]{8}$/) });
  });
}

for (const mode of ['sequential', 'concurrent'] as const) {
  for (const [selector, rule] of [
    ['construct id', { logicalId: 'Live' }],
    ['resource type', { resourceType: 'Custom::LiveThing' }],
    ['RegExp', { logicalId: /^Live/ }],
  ] as const) {
    scenario(scan, `${mode}: the Create of one resource, named by its ${selector}, delivered twice`, async (s) => {
      // WHEN the stack is deployed with a duplicate delivery of Live's Create
      const duplicate: DuplicateDelivery = { ...rule, requestType: 'Create', mode };
      const d = await s.deploy(app(mode === 'concurrent'), 'EchoStack', { duplicateDeliveries: [duplicate] });

      // THEN Live's Create ran twice with the same event, sequentially or at once; nothing else did
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      const live = d.result.records.filter((r) => r.logicalId.startsWith('Live'));
      expect(live.map((r) => [r.requestType, r.deliveries, r.invocations])).toEqual([['Create', 2, 2]]);
      const [a, b] = live[0].responses!;
      expect([a.data.RequestId, b.data.RequestId]).toEqual([live[0].requestId, live[0].requestId]);
      expect(a.physicalId).not.toBe(b.physicalId);
      if (mode === 'sequential') expect(Number(b.data.StartedAt)).toBeGreaterThanOrEqual(Number(a.data.EndedAt));
      else expect(Number(b.data.StartedAt)).toBeLessThan(Number(a.data.EndedAt));
      expect(d.result.records.filter((r) => r.logicalId === 'Other').map((r) => r.deliveries)).toEqual([1]);
      // the Delete is not matched
      const destroyed = await d.destroy();
      expect(destroyed.records.filter((r) => r.logicalId.startsWith('Live')).map((r) => [r.requestType, r.deliveries])).toEqual([['Delete', 1]]);
    }, { timeoutMs: 60_000 });
  }
}

scenario(scan, 'a construct id matches only its own resource: not a longer id, not another construct', async (s) => {
  const dir = synthEchoApp(({ stack, provider }) => {
    for (const id of ['Live', 'LiveKey', 'Lively']) {
      new CustomResource(new Construct(stack, id), 'Resource', { serviceToken: provider.serviceToken, properties: { Name: id } });
    }
  });
  const d = await s.deploy(dir, 'EchoStack', { duplicateDeliveries: [{ logicalId: 'Live', mode: 'sequential' }] });
  const deliveries = Object.fromEntries(d.result.records.map((r) => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.deliveries]));
  expect(deliveries).toEqual({ Live: 2, LiveKey: 1, Lively: 1 });
  await d.destroy();
}, { timeoutMs: 60_000 });
