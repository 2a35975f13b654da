// Medians with their spread, and the formats the report prints them in.

/** A figure measured several times: its median and the smallest and largest value seen. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** `412 ms (398–431, n=5)`; `digits` decimals; the unit follows the median. */
export function show(s: Spread, unit = '', digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  const range = s.runs > 1 ? ` (${f(s.min)}–${f(s.max)}, n=${s.runs})` : ' (n=1)';
  return `${f(s.median)}${unit}${range}`;
}

/** The ratio of two medians. */
export function ratio(a: Spread, b: Spread): number {
  return a.median / b.median;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** `met` / `missed` against a target. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}
