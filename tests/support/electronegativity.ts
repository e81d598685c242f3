/**
 * `npm run lint:electron`: Electronegativity (Doyensec's scanner for Electron anti-patterns) over the sources
 * (`electron/`) and what ships (`out/`, so run `npm run build` first). Fails on any finding of MEDIUM severity or
 * higher that `.electronegativity-allow.json` does not accept with a reason, on an allow-list entry that no
 * longer matches anything (so the list never outlives the code it excuses), and on a file the tool could not
 * parse (a file it skips is a file nobody checked). The findings of each run are also written as SARIF to
 * test-results/electronegativity/ for CI and people.
 *
 * The tool runs through its own API rather than its command line: its SARIF output carries no severity, and its
 * CSV output is written by two unsynchronised writes (the header can land after, and wipe, the findings).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const ALLOW_FILE = join(ROOT, '.electronegativity-allow.json');
const OUT_DIR = join(ROOT, 'test-results', 'electronegativity');
/** What is scanned, from the repository root: the sources and the build. */
const TARGETS = ['electron', 'out'] as const;

interface Level {
  name: string;
  value: number;
}
interface Issue {
  id: string;
  severity: Level;
  confidence: Level;
  /** Relative to the scanned folder, or "N/A" for a finding about the whole app. */
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
}
interface RunResult {
  issues: Issue[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  globalChecks: number;
  atomicChecks: number;
}
type Run = (options: Record<string, unknown>, forCli?: boolean) => Promise<RunResult>;

interface AllowList {
  /** Findings at this level or above fail. */
  failAt: 'LOW' | 'MEDIUM' | 'HIGH';
  /** Checks not run at all, each with why. */
  skipped: Array<{ check: string; reason: string }>;
  /** Findings accepted: the check, where (a file from the repository root, or a scanned folder for the whole app). */
  allowed: Array<{ check: string; in: string; reason: string }>;
}

const LEVELS = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 } as const;

function readAllowList(): AllowList {
  const list = JSON.parse(readFileSync(ALLOW_FILE, 'utf8')) as AllowList;
  for (const entry of [...list.skipped, ...list.allowed]) {
    if (!entry.reason?.trim()) throw new Error(`${ALLOW_FILE}: ${entry.check} has no reason`);
  }
  return list;
}

/** Where a finding is, as the allow-list names it. */
const placeOf = (target: string, issue: Issue) =>
  issue.file === 'N/A' ? target : `${target}/${issue.file.replace(/\\/g, '/')}`;

async function main(): Promise<number> {
  const list = readAllowList();
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity') as Run;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  // Without it the tool assumes Electron 0.1 and judges every default as that version had it.
  const electronVersion = pkg.devDependencies.electron?.replace(/^[^\d]*/, '');
  mkdirSync(OUT_DIR, { recursive: true });

  const failures: string[] = [];
  const used = new Set<number>();
  // Both at once: most of each run is the tool waiting for translations it cannot fetch offline.
  const runs = await Promise.all(
    TARGETS.map(async (target) => {
      const input = join(ROOT, target);
      if (!existsSync(input)) return { target, result: undefined };
      const result = await run(
        {
          input,
          output: join(OUT_DIR, `${target}.sarif`),
          isSarif: true,
          isRelative: true,
          electronVersionOverride: electronVersion,
          customScan: [],
          excludeFromScan: list.skipped.map((s) => s.check),
          parserPlugins: [],
        },
        false,
      );
      return { target, result };
    }),
  );
  for (const { target, result } of runs) {
    if (!result) {
      failures.push(`${target}/ is missing: run \`npm run build\` first`);
      continue;
    }
    for (const e of result.errors.filter((err) => !err.tolerable))
      failures.push(`${target}: could not parse ${e.file}: ${e.message}`);
    let reported = 0;
    for (const issue of result.issues) {
      if (issue.severity.value < LEVELS[list.failAt]) continue;
      reported += 1;
      const place = placeOf(target, issue);
      const index = list.allowed.findIndex((a) => a.check === issue.id && a.in === place);
      if (index >= 0) {
        used.add(index);
        continue;
      }
      failures.push(
        `${issue.id} (${issue.severity.name}, ${issue.confidence.name}) in ${place}:${issue.location.line}` +
          `: ${issue.description}${issue.sample ? `\n    ${issue.sample.trim().slice(0, 160)}` : ''}`,
      );
    }
    console.log(
      `electronegativity: ${target}/ — ${result.globalChecks + result.atomicChecks} checks, ` +
        `${result.issues.length} findings, ${reported} at ${list.failAt} or above`,
    );
  }
  list.allowed.forEach((a, i) => {
    if (!used.has(i)) failures.push(`allow-list entry matches nothing any more: ${a.check} in ${a.in}`);
  });
  if (failures.length === 0) {
    console.log(
      `electronegativity: nothing at ${list.failAt} or above beyond ${used.size} accepted findings`,
    );
    return 0;
  }
  console.error(
    `electronegativity: ${failures.length} problem(s); fix them, or accept a finding in ` +
      `.electronegativity-allow.json with the reason (see docs/security.md):`,
  );
  for (const f of failures) console.error(`  ${f}`);
  return 1;
}

process.exitCode = await main();
