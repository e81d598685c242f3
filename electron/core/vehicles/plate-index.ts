import { normalizePlate, plateKey } from '../../../shared/domain/plate';

interface Entry {
  plate: string;
  key: string;
}

/**
 * Every record's plate in memory, found by any part of it as the operator types: two-character grams of the
 * confusion-folded key (shared/domain/plate.ts) lead to the few plates that can hold the typed part, so a search
 * among 100,000 records reads a short list instead of all of them. A part of one character is read in full (it
 * stops at the limit).
 */
export class PlateIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly grams = new Map<string, Set<string>>();
  private readonly byKey = new Map<string, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  add(id: string, plate: string): void {
    this.remove(id);
    const key = plateKey(plate);
    this.entries.set(id, { plate, key });
    for (const g of gramsOf(key)) put(this.grams, g, id);
    put(this.byKey, key, id);
  }

  remove(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    this.entries.delete(id);
    for (const g of gramsOf(old.key)) drop(this.grams, g, id);
    drop(this.byKey, old.key, id);
  }

  /**
   * Ids of plates holding `query`: those holding it as typed first (`exact`), then those holding it only through a
   * confusion; `total` counts both.
   */
  search(query: string, limit: number): { hits: { id: string; exact: boolean }[]; total: number } {
    const typed = normalizePlate(query);
    const key = plateKey(typed);
    if (!key) return { hits: [], total: 0 };
    const exact: { id: string; exact: boolean }[] = [];
    const fuzzy: { id: string; exact: boolean }[] = [];
    let total = 0;
    const consider = (id: string, e: Entry) => {
      if (!e.key.includes(key)) return;
      total += 1;
      const isExact = e.plate.includes(typed);
      const list = isExact ? exact : fuzzy;
      if (list.length < limit) list.push({ id, exact: isExact });
    };
    const grams = gramsOf(key);
    if (grams.length === 0) {
      for (const [id, e] of this.entries) consider(id, e);
    } else {
      let smallest: Set<string> | undefined;
      for (const g of grams) {
        const ids = this.grams.get(g);
        if (!ids) return { hits: [], total: 0 };
        if (!smallest || ids.size < smallest.size) smallest = ids;
      }
      for (const id of smallest!) consider(id, this.entries.get(id)!);
    }
    const byPlate = (a: { id: string }, b: { id: string }) =>
      this.entries.get(a.id)!.plate.localeCompare(this.entries.get(b.id)!.plate);
    return { hits: [...exact.sort(byPlate), ...fuzzy.sort(byPlate)].slice(0, limit), total };
  }

  /** The record with exactly this plate. */
  idOf(plate: string): string | undefined {
    for (const id of this.byKey.get(plateKey(plate)) ?? [])
      if (this.entries.get(id)!.plate === plate) return id;
    return undefined;
  }

  /**
   * Records a camera may have misread as `plate`: the same confusion-folded key, or one character apart on it (a
   * smudge, a bolt over a digit). The exact plate itself is not among them.
   */
  near(plate: string, limit = 3): string[] {
    const key = plateKey(plate);
    const out: string[] = [];
    for (const id of this.byKey.get(key) ?? []) {
      if (this.entries.get(id)!.plate !== plate) out.push(id);
      if (out.length >= limit) return out;
    }
    for (const [id, e] of this.entries) {
      if (e.key.length !== key.length || e.key === key) continue;
      let diff = 0;
      for (let i = 0; i < key.length && diff < 2; i++) if (e.key[i] !== key[i]) diff += 1;
      if (diff === 1) out.push(id);
      if (out.length >= limit) break;
    }
    return out;
  }
}

function gramsOf(key: string): string[] {
  const chars = [...key];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

function put(map: Map<string, Set<string>>, k: string, id: string): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(id);
}

function drop(map: Map<string, Set<string>>, k: string, id: string): void {
  const set = map.get(k);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(k);
}
