import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Inline code starting with one of these is read as a path from the repository root. */
const ROOTS = ['electron/', 'renderer/', 'shared/', 'tests/', 'resources/', 'docs/', '.ci/'];
const SKIP_DIRS = new Set([
  'node_modules',
  'out',
  'dist',
  '.git',
  '.cache',
  'test-results',
  'playwright-report',
]);

interface DocPath {
  /** As written in the document. */
  written: string;
  /** Repository-relative path to check; a trailing `/` means it must be a folder. */
  path: string;
  line: number;
}

/** README.md, docs/*.md and every folder's README.md. */
function documents(): string[] {
  const found = ['README.md'];
  const docs = join(root, 'docs');
  for (const f of readdirSync(docs)) if (f.endsWith('.md')) found.push(`docs/${f}`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || SKIP_DIRS.has(entry.name)) continue;
      const sub = dir ? `${dir}/${entry.name}` : entry.name;
      if (existsSync(join(root, sub, 'README.md'))) found.push(`${sub}/README.md`);
      walk(sub);
    }
  };
  walk('');
  return [...new Set(found)];
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d`. */
function expandBraces(text: string): string[] {
  const m = /\{([^{}]*)\}/.exec(text);
  if (!m) return [text];
  const before = text.slice(0, m.index);
  const after = text.slice(m.index + m[0].length);
  return m[1]!.split(',').flatMap((alt) => expandBraces(before + alt.trim() + after));
}

/**
 * The part of a written path that must exist: a placeholder (`<feature>`) or a glob (`*.json`) stands for
 * whatever the folder holds, so only the folder before it is checked.
 */
function checkable(written: string): string {
  const cut = written.search(/[<*]/);
  if (cut < 0) return written;
  const head = written.slice(0, cut);
  return head.slice(0, head.lastIndexOf('/') + 1);
}

/** Repository paths a markdown text names: inline code under ROOTS, and relative links and images. */
function pathsIn(markdown: string, docPath: string): DocPath[] {
  const out: DocPath[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    const line = i + 1;
    // Fenced blocks hold commands, JSON and folder trees, not paths from the root.
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      const first = m[1]!.trim().split(/\s/)[0]!;
      if (!ROOTS.some((r) => first.startsWith(r))) continue;
      // `file.ts:12` and `file.md#section` name a place in the file.
      const bare = first.replace(/[#:].*$/, '').replace(/[),.;]+$/, '');
      for (const p of expandBraces(bare)) out.push({ written: m[1]!, path: checkable(p), line });
    }
    for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const file = target.replace(/#.*$/, '');
      const full = resolve(root, dirname(docPath), file);
      const rel = relative(root, full) + (file.endsWith('/') ? '/' : '');
      out.push({ written: target, path: rel.startsWith('..') ? file : rel, line });
    }
  });
  return out;
}

function missing(paths: DocPath[]): DocPath[] {
  return paths.filter(({ path }) => {
    if (path.startsWith('..')) return true;
    const full = join(root, path);
    if (!existsSync(full)) return true;
    return path.endsWith('/') && !statSync(full).isDirectory();
  });
}

describe('paths named in the documentation', () => {
  it('the scanner reads inline code, braces, placeholders, globs and relative links', () => {
    const sample = [
      'See `electron/core/config.ts`, `shared/i18n/{zh-CN,en}.ts` and `renderer/features/<area>/`.',
      'Playbooks: `resources/playbooks/*.json`; tests in `tests/unit/` and the [protocol](docs/hub-protocol.md#7).',
      'Not a path: `npm run start:web`, `<data-dir>/backups/`, [web](https://example.org/x).',
      '```',
      'electron/not-checked-inside-a-fence.ts',
      '```',
      'Wrong: `electron/core/no-such-file.ts`, `docs/hub-protocol.md/` and [gone](missing-doc.md).',
    ].join('\n');
    const found = pathsIn(sample, 'README.md');
    expect(found.map((p) => p.path)).toEqual([
      'electron/core/config.ts',
      'shared/i18n/zh-CN.ts',
      'shared/i18n/en.ts',
      'renderer/features/',
      'resources/playbooks/',
      'tests/unit/',
      'docs/hub-protocol.md',
      'electron/core/no-such-file.ts',
      'docs/hub-protocol.md/',
      'missing-doc.md',
    ]);
    expect(missing(found).map((p) => p.written)).toEqual([
      'electron/core/no-such-file.ts',
      'docs/hub-protocol.md/',
      'missing-doc.md',
    ]);
  });

  it('a link from a folder README is resolved from that folder', () => {
    const found = pathsIn('[the guide](../docs/admin-guide.md) and [here](./README.md)', 'tests/README.md');
    expect(found.map((p) => p.path)).toEqual(['docs/admin-guide.md', 'tests/README.md']);
  });

  const docs = documents();

  it('covers the front door, the docs folder and the folder READMEs', () => {
    expect(docs).toEqual(
      expect.arrayContaining(['README.md', 'docs/hub-protocol.md', 'electron/README.md', 'tests/README.md']),
    );
  });

  it.each(docs)('every repository path in %s exists', (doc) => {
    const found = pathsIn(readFileSync(join(root, doc), 'utf8'), doc);
    const gone = missing(found).map((p) => `${doc}:${p.line}: ${p.written}`);
    expect(gone).toEqual([]);
  });

  it('the documents name enough paths for the check to mean something', () => {
    const total = docs.reduce((n, doc) => n + pathsIn(readFileSync(join(root, doc), 'utf8'), doc).length, 0);
    expect(total).toBeGreaterThan(50);
  });
});

/** Package names in the first column of the README's dependency table, as written (versions and notes dropped). */
function tablePackages(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Dependencies and why'));
  if (!section) return [];
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .flatMap((line) => line.split('|')[1]!.split(','))
    .map((cell) => /@?[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9._-]+)?/.exec(cell.replace(/\*/g, ''))?.[0] ?? '')
    .filter(Boolean);
}

describe("the README's dependency table", () => {
  it('names every dependency of package.json exactly once, and nothing else', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].sort();
    const named = tablePackages(readFileSync(join(root, 'README.md'), 'utf8')).sort();
    expect(named).toEqual(declared);
  });

  it('reads names out of cells with versions, bold and notes', () => {
    const readme = [
      '## Dependencies and why',
      '',
      '| Package | Why |',
      '| --- | --- |',
      '| electron **40.10.2** (pinned) | shell |',
      '| i18next ~26.7, react-i18next ~17.1 | text |',
      '| @testing-library/react, @types/node | tests |',
      '',
      '## Next',
      '| not-a-dependency | x |',
    ].join('\n');
    expect(tablePackages(readme)).toEqual([
      'electron',
      'i18next',
      'react-i18next',
      '@testing-library/react',
      '@types/node',
    ]);
  });
});
