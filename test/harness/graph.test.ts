import { reverseDeps, runGraph, Semaphore } from './graph';

const deps = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));
const tick = () => new Promise((r) => setTimeout(r, 5));

test('runs a node after its dependencies, independent nodes together', async () => {
  const events: string[] = [];
  const work = async (n: string) => { events.push(`start ${n}`); await tick(); events.push(`end ${n}`); return true; };
  const out = await runGraph(['C', 'B', 'A'], deps({ C: ['B'], B: ['A'], A: [] }), work, { stopOnFailure: true });
  expect(events).toEqual(['start A', 'end A', 'start B', 'end B', 'start C', 'end C']);
  expect([...out.values()]).toEqual(['succeeded', 'succeeded', 'succeeded']);

  events.length = 0;
  await runGraph(['X', 'Y'], deps({}), work, { stopOnFailure: true });
  expect(events.slice(0, 2)).toEqual(['start X', 'start Y']);
});

test('after a failure: create/update stop starting nodes, delete goes on with what does not depend on it', async () => {
  const graph = deps({ A: [], F: [], B: ['F'], L: ['A'] });
  const work = async (n: string) => { await tick(); return n !== 'F'; };
  const stop = await runGraph(['F', 'A', 'B', 'L'], graph, work, { stopOnFailure: true });
  expect(Object.fromEntries(stop)).toEqual({ F: 'failed', A: 'succeeded', B: 'not-started', L: 'not-started' });
  const goOn = await runGraph(['F', 'A', 'B', 'L'], graph, work, { stopOnFailure: false });
  expect(Object.fromEntries(goOn)).toEqual({ F: 'failed', A: 'succeeded', B: 'not-started', L: 'succeeded' });
});

test('a cycle is reported, not waited for', async () => {
  await expect(runGraph(['A', 'B'], deps({ A: ['B'], B: ['A'] }), async () => true, { stopOnFailure: true }))
    .rejects.toThrow('Circular dependency between resources: [A, B, A]');
});

test('reverseDeps: a node waits for everything that depends on it', () => {
  expect(reverseDeps(['A', 'B', 'C'], deps({ B: ['A'], C: ['A', 'B'] }))).toEqual(deps({ A: ['B', 'C'], B: ['C'], C: [] }));
});

test('Semaphore never lets more than its limit through, even when a slot is handed over', async () => {
  const sem = new Semaphore(2);
  let active = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    const release = await sem.acquire();
    active++;
    peak = Math.max(peak, active);
    await tick();
    active--;
    release();
    release(); // a second release is a no-op
  }));
  expect(peak).toBe(2);
});
