/** Percentile of a sample (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface BenchRow {
  metric: string;
  p50?: number;
  p99?: number;
  value?: number;
  unit: string;
  samples?: number;
  note?: string;
}

export interface BenchResult {
  name: string;
  machine: string;
  at: string;
  rows: BenchRow[];
}

export function printTable(result: BenchResult): void {
  console.log(`\n${result.name} (${result.machine}, ${result.at})`);
  console.log('| metric | p50 | p99 | value | unit | samples |');
  console.log('|---|---|---|---|---|---|');
  const f = (n?: number) => (n === undefined || Number.isNaN(n) ? '' : n >= 100 ? n.toFixed(0) : n.toFixed(1));
  for (const row of result.rows) {
    console.log(
      `| ${row.metric}${row.note ? ` (${row.note})` : ''} | ${f(row.p50)} | ${f(row.p99)} | ${f(row.value)} | ${row.unit} | ${row.samples ?? ''} |`,
    );
  }
}
