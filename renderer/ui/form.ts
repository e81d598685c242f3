import { useState } from 'react';

/** What a field takes to show and change one value: spread it into the field (`{...form.field('name')}`). */
export interface Bound<V> {
  value: V;
  onChange(value: V): void;
}

/** The fields of an object held in state: `field(key)` shows and changes that key only. */
export function fieldsOf<T extends object>(
  values: T,
  set: (values: T) => void,
): <K extends keyof T>(key: K) => Bound<T[K]> {
  return (key) => ({ value: values[key], onChange: (value) => set({ ...values, [key]: value }) });
}

/**
 * A form's values in one state, so a dialog needs no state and no setter per field: `field(key)` binds a field,
 * `set` changes several values, `reset` goes back to where the form started (a dialog closed, an entry added).
 */
export function useForm<T extends object>(initial: T) {
  const [start] = useState(initial);
  const [values, setValues] = useState(initial);
  // From the latest values, not this render's: two changes before the next render both count.
  const field = <K extends keyof T>(key: K): Bound<T[K]> => ({
    value: values[key],
    onChange: (value) => setValues((prev) => ({ ...prev, [key]: value })),
  });
  return { values, set: setValues, field, reset: () => setValues(start) };
}
