/**
 * `node --max-old-space-size=4096 --import tsx tests/bench/lib/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot`:
 * what grew between two V8 heap snapshots (bench:soak --heap-dir writes them), by node type and constructor or
 * string name: count and self size before, after and the difference, the 25 largest growths first. A snapshot is
 * read whole (a 100 MB heap makes a file of a few hundred MB), so give Node the memory for two of them.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** type:name → { count, bytes } over every node of the snapshot. */
function census(file: string): Map<string, { count: number; bytes: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!] ?? '?';
    // Strings are named by their text: group them by type alone, and cut long names.
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? ''
        : (s.strings[s.nodes[i + nameAt]!] ?? '?').slice(0, 60);
    const key = `${type}:${name}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += s.nodes[i + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error('usage: heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot');
  process.exit(2);
}
const before = census(beforeFile);
const after = census(afterFile);
const rows = [...new Set([...before.keys(), ...after.keys()])]
  .map((key) => {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    const a = after.get(key) ?? { count: 0, bytes: 0 };
    return {
      key,
      count: a.count - b.count,
      bytes: a.bytes - b.bytes,
      countAfter: a.count,
      bytesAfter: a.bytes,
    };
  })
  .sort((x, y) => y.bytes - x.bytes)
  .slice(0, 25);
const total = (m: Map<string, { bytes: number }>) => [...m.values()].reduce((t, e) => t + e.bytes, 0);
console.log(
  `total self size: ${(total(before) / 1e6).toFixed(1)} MB → ${(total(after) / 1e6).toFixed(1)} MB`,
);
for (const r of rows)
  console.log(
    `${(r.bytes / 1e3).toFixed(1).padStart(9)} kB ${String(r.count).padStart(7)} objects  ${r.key}  (now ${r.countAfter}, ${(r.bytesAfter / 1e3).toFixed(1)} kB)`,
  );
