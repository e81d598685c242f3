import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, checked from the source: the import graph of electron/, shared/ and renderer/ (relative
 * imports only; packages are not ours to order), the feature folders and the composition root.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CORE = join(ROOT, 'electron/core');

interface Edge {
  to: string;
  /** `import type` / `export type`: erased from the build, so it cannot make a cycle at run time. */
  typeOnly: boolean;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'out') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find(
    (p) => /\.tsx?$/.test(p) && existsSync(p) && statSync(p).isFile(),
  );
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  for (const st of source.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st))) continue;
    if (!st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const to = resolveImport(file, spec);
    if (!to) continue;
    const typeOnly = ts.isImportDeclaration(st) ? Boolean(st.importClause?.isTypeOnly) : st.isTypeOnly;
    edges.push({ to, typeOnly, spec });
  }
  return edges;
}

/** Strongly connected components of more than one node: every cycle, each reported once. */
function cycles(nodes: string[], next: (n: string) => Iterable<string>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

const files = ['electron', 'shared', 'renderer'].flatMap((top) => sourceFiles(join(ROOT, top)));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (p: string) => relative(ROOT, p);

/** The features, as the contract names them: each shared/contract file with a `<x>Methods` table, and its name. */
const METHOD_TABLES = new Map(
  readdirSync(join(ROOT, 'shared/contract')).flatMap((name) => {
    const table = /export const (\w+Methods) = \{/.exec(
      readFileSync(join(ROOT, 'shared/contract', name), 'utf8'),
    );
    return table ? [[name.replace(/\.ts$/, ''), table[1]!] as const] : [];
  }),
);
const FEATURES = [...METHOD_TABLES.keys()].sort();

/** `electron/core/<f>` and `renderer/features/<f>` for a file inside one, else undefined. */
function featureFolderOf(file: string): string | undefined {
  const parts = rel(file).split('/');
  if (parts[0] === 'electron' && parts[1] === 'core' && parts.length > 3) return `electron/core/${parts[2]}`;
  if (parts[0] === 'renderer' && parts[1] === 'features' && parts.length > 3)
    return `renderer/features/${parts[2]}`;
  return undefined;
}

describe('architecture', () => {
  it('reads the contract features and a real import graph', () => {
    expect(FEATURES).toEqual(
      [
        'alarms',
        'cameras',
        'duty',
        'facilities',
        'guards',
        'operators',
        'playbooks',
        'posts',
        'prefs',
        'recordings',
        'reports',
        'shift',
        'system',
        'training',
        'vehicles',
      ].sort(),
    );
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  it('has no import cycle between files (type-only imports excluded: they are erased from the build)', () => {
    const found = cycles(files, (f) => graph.get(f)!.flatMap((e) => (e.typeOnly ? [] : [e.to])));
    expect(found.map((c) => c.map(rel))).toEqual([]);
  });

  it('has no cycle between folders of electron/core and renderer/features, counting type-only imports too', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, imports] of graph) {
      const from = featureFolderOf(file);
      if (!from) continue;
      for (const { to } of imports) {
        const target = featureFolderOf(to);
        if (target && target !== from) edges.set(from, (edges.get(from) ?? new Set()).add(target));
      }
    }
    const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])];
    expect(nodes.length).toBeGreaterThan(10);
    // Where two features both need each other, one reads the other's store and the app composes the rest (the
    // alarm detail's slots for the guards to send and the camera tiles).
    expect(cycles(nodes, (n) => edges.get(n) ?? [])).toEqual([]);
  });

  it('a core feature is reached only through its index.ts from outside its folder', () => {
    const deep: string[] = [];
    for (const [file, imports] of graph) {
      if (!rel(file).startsWith('electron/core/')) continue;
      for (const { to, spec } of imports) {
        const target = featureFolderOf(to);
        const feature = target?.startsWith('electron/core/')
          ? target.slice('electron/core/'.length)
          : undefined;
        if (!feature || !FEATURES.includes(feature) || featureFolderOf(file) === target) continue;
        if (to !== join(CORE, feature, 'index.ts')) deep.push(`${rel(file)} imports ${spec}`);
      }
    }
    expect(deep).toEqual([]);
  });

  it('every contract feature has a folder in electron/core whose index.ts exports one factory typed from its methods', () => {
    for (const feature of FEATURES) {
      const index = join(CORE, feature, 'index.ts');
      expect(existsSync(index), `electron/core/${feature}/index.ts`).toBe(true);
      const source = ts.createSourceFile(index, readFileSync(index, 'utf8'), ts.ScriptTarget.Latest, true);
      const factories = source.statements.filter(
        (st): st is ts.FunctionDeclaration =>
          ts.isFunctionDeclaration(st) &&
          Boolean(st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) &&
          Boolean(st.name?.text.startsWith('create')),
      );
      expect(
        factories.map((f) => f.name!.text),
        feature,
      ).toHaveLength(1);
      // `Feature<typeof alarmMethods, ...>`: the handlers are typed from the feature's own contract table.
      expect(factories[0]!.type?.getText(source), feature).toMatch(
        new RegExp(`^Feature<typeof ${METHOD_TABLES.get(feature)!},`),
      );
    }
  });

  it('the composition root is short and holds no SQL and no handler bodies', () => {
    const compose = readFileSync(join(CORE, 'compose.ts'), 'utf8');
    expect(compose.split('\n').length).toBeLessThanOrEqual(150);
    expect(compose).not.toMatch(/\bdb\(|\.raw\(|\btrx\(/);
    expect(compose).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE|CREATE TABLE|ALTER TABLE)\b/);
    // A handler is keyed by its method name ('area.verb': ...); the root only spreads the features' tables.
    expect(compose).not.toMatch(/^\s*'[a-z]+\.[a-zA-Z]+'\s*:/m);
  });

  it('the database layer imports no feature', () => {
    const db = files.filter((f) => rel(f).startsWith('electron/core/db/'));
    expect(db.length).toBeGreaterThan(0);
    const into = db.flatMap((f) =>
      graph
        .get(f)!
        .filter((e) => FEATURES.some((feature) => e.to.startsWith(join(CORE, feature) + '/')))
        .map((e) => `${rel(f)} imports ${e.spec}`),
    );
    expect(into).toEqual([]);
  });

  it('electron/common knows neither the console nor the hub, the hub knows no console core, the core no hub', () => {
    const allowed: [prefix: string, may: string[]][] = [
      ['electron/common/', ['electron/common/', 'shared/']],
      ['electron/hub/', ['electron/hub/', 'electron/common/', 'shared/']],
      ['electron/core/', ['electron/core/', 'electron/common/', 'shared/']],
    ];
    const common = files.filter((f) => rel(f).startsWith('electron/common/'));
    expect(common.length).toBeGreaterThan(3);
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const rule = allowed.find(([prefix]) => rel(file).startsWith(prefix));
      if (!rule) continue;
      for (const e of imports)
        if (!rule[1].some((ok) => rel(e.to).startsWith(ok))) wrong.push(`${rel(file)} imports ${e.spec}`);
    }
    expect(wrong).toEqual([]);
  });
});
