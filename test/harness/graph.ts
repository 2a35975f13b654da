/**
 * Running work over a dependency graph as CloudFormation does: a node starts once everything it
 * depends on has finished successfully, independent nodes run at the same time.
 */

export type NodeOutcome = 'succeeded' | 'failed' | 'not-started';

export interface GraphRunOptions {
  /** Stop starting new nodes after the first failure (create and update); otherwise go on with
   * every node whose dependencies succeeded (delete). In-flight nodes always finish. */
  readonly stopOnFailure: boolean;
}

/**
 * Runs `work` for every node; `deps.get(n)` are the nodes n waits for (unknown ids are ignored).
 * `work` resolves true for success. Returns each node's outcome.
 */
export async function runGraph(
  nodes: readonly string[],
  deps: ReadonlyMap<string, ReadonlySet<string>>,
  work: (node: string) => Promise<boolean>,
  options: GraphRunOptions,
): Promise<Map<string, NodeOutcome>> {
  const inGraph = new Set(nodes);
  const outcome = new Map<string, NodeOutcome>(nodes.map((n) => [n, 'not-started']));
  const waiting = new Set(nodes);
  const running = new Set<string>();
  let failed = false;

  const depsOf = (n: string) => [...(deps.get(n) ?? [])].filter((d) => inGraph.has(d) && d !== n);
  // A cycle would never start: report it instead of hanging.
  assertAcyclic(nodes, depsOf);

  return new Promise((resolve, reject) => {
    const pump = () => {
      if (!(failed && options.stopOnFailure)) {
        for (const n of [...waiting]) {
          const ds = depsOf(n);
          if (ds.some((d) => outcome.get(d) === 'failed' || (outcome.get(d) === 'not-started' && !waiting.has(d) && !running.has(d)))) {
            waiting.delete(n); // blocked for good: a dependency failed or will never run
            continue;
          }
          if (ds.every((d) => outcome.get(d) === 'succeeded')) {
            waiting.delete(n);
            running.add(n);
            work(n).then(
              (ok) => finish(n, ok),
              (err) => reject(err),
            );
          }
        }
      }
      if (running.size === 0) resolve(outcome);
    };
    const finish = (n: string, ok: boolean) => {
      running.delete(n);
      outcome.set(n, ok ? 'succeeded' : 'failed');
      if (!ok) failed = true;
      pump();
    };
    pump();
  });
}

function assertAcyclic(nodes: readonly string[], depsOf: (n: string) => string[]): void {
  const state = new Map<string, 1 | 2>();
  const visit = (n: string, trail: string[]) => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) throw new Error(`Circular dependency between resources: [${[...trail, n].join(', ')}]`);
    state.set(n, 1);
    for (const d of depsOf(n)) visit(d, [...trail, n]);
    state.set(n, 2);
  };
  for (const n of nodes) visit(n, []);
}

/** The reverse of a dependency map (for deletion: a node waits for everything that depends on it). */
export function reverseDeps(nodes: readonly string[], deps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>(nodes.map((n) => [n, new Set<string>()]));
  for (const n of nodes) {
    for (const d of deps.get(n) ?? []) out.get(d)?.add(n);
  }
  return out;
}

/** A counting semaphore. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((r) => this.queue.push(r)); // the releaser hands its slot over
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    };
  }
}
