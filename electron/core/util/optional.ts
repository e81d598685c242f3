/** A nullable column as an optional field's value. */
export const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * The fields of `o` that have a value: spread into a view, a nullable column becomes an absent field rather than
 * `null` (the contract's optional fields), e.g. `...present({ speed: r.speed, battery: r.battery })`.
 */
export function present<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  const out: { [K in keyof T]?: NonNullable<T[K]> } = {};
  for (const key of Object.keys(o) as (keyof T)[]) {
    const value = o[key];
    if (value !== null && value !== undefined) out[key] = value as NonNullable<T[typeof key]>;
  }
  return out;
}
