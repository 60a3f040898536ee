/**
 * `npm run bench`: runs every section in bench/sections/ (files exporting `sections: BenchSection[]`),
 * prints one table with all rows side by side (value, baseline, ratio, target) and writes
 * bench/results.json. Options: --only <text> (sections whose file or title contains it),
 * --out <file> (default bench/results.json).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { BenchRow, BenchSection } from './types';

const here = dirname(fileURLToPath(import.meta.url));

/** Result of one section in results.json. */
export interface SectionResult {
  readonly name: string;
  readonly file: string;
  readonly rows: readonly BenchRow[];
  /** Set when the section threw; its rows are then empty. */
  readonly error?: string;
  readonly seconds: number;
}

/** Loads the sections of every file in `dir` (sorted by file name), tagged with their file. */
export async function loadSections(dir = join(here, 'sections')): Promise<{ file: string; section: BenchSection }[]> {
  const out: { file: string; section: BenchSection }[] = [];
  const files = readdirSync(dir).filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.startsWith('_') && !f.endsWith('.d.ts')).sort();
  for (const file of files) {
    // A file that fails to load becomes a section that reports the error, so the others still run.
    const broken = (msg: string): BenchSection => ({ name: file, run: () => Promise.reject(new Error(msg)) });
    try {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as { sections?: BenchSection[] };
      if (!Array.isArray(mod.sections)) out.push({ file, section: broken(`bench/sections/${file}: expected an exported sections array`) });
      else for (const section of mod.sections) out.push({ file, section });
    } catch (e) {
      out.push({ file, section: broken(`bench/sections/${file} failed to load: ${e instanceof Error ? e.message : String(e)}`) });
    }
  }
  return out;
}

const fmt = (x: number | undefined, unit = ''): string => {
  if (x === undefined) return '';
  const s = Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
  return unit === '' ? s : `${s} ${unit}`;
};

/** Renders all section results as one aligned text table. */
export function renderResults(results: readonly SectionResult[]): string {
  const header = ['Section', 'Measurement', 'Value', 'Baseline', 'Ratio', 'Target', 'Pass', 'Details'];
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error !== undefined) rows.push([r.name, 'ERROR', '', '', '', '', 'no', r.error.split('\n')[0]]);
    for (const row of r.rows) {
      const target = row.target === undefined ? '' : row.target.kind === 'max' ? `<= ${fmt(row.target.value, row.unit)}` : `ratio <= ${row.target.value}`;
      rows.push([
        r.name,
        row.name,
        fmt(row.value, row.unit),
        row.baseline === undefined ? '' : `${row.baseline.name}: ${fmt(row.baseline.value, row.unit)}`,
        row.ratio === undefined ? '' : row.ratio.toFixed(2),
        target,
        row.pass === undefined ? '' : row.pass ? 'yes' : 'NO',
        Object.entries(row.extra ?? {}).map(([k, v]) => `${k}=${v}`).join(' '),
      ]);
    }
  }
  const width = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => r.map((c, k) => c.padEnd(width[k])).join('  ').trimEnd();
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Runs the selected sections one after another and returns their results. */
export async function runBench(only?: string): Promise<SectionResult[]> {
  const results: SectionResult[] = [];
  // Titles start with the letter ("(a) ...", "(b) ..."): run and print in that order.
  const loaded = (await loadSections()).sort((x, y) => x.section.name.localeCompare(y.section.name));
  for (const { file, section } of loaded) {
    if (only !== undefined && !file.includes(only) && !section.name.includes(only)) continue;
    const t0 = Date.now();
    process.stderr.write(`bench: ${section.name} ...\n`);
    try {
      const rows = await section.run();
      results.push({ name: section.name, file, rows, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      results.push({ name: section.name, file, rows: [], error, seconds: (Date.now() - t0) / 1000 });
    }
  }
  return results;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = new Command('bench')
    .option('--only <text>', 'run only sections whose file name or title contains text')
    .option('--out <file>', 'results file', join(here, 'results.json'))
    .parse(process.argv)
    .opts<{ only?: string; out: string }>();
  const results = await runBench(opts.only);
  process.stdout.write(`${renderResults(results)}\n`);
  const doc = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    sections: results,
  };
  writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`wrote ${opts.out}\n`);
  if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
}
