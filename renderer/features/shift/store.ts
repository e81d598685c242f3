import type { ConsoleClient, MethodInput, MethodOutput, ShiftView } from '../../../shared/contract';
import { createStore, featureContext, type Store } from '../../api/store';

/** The open shift and who is on duty; joining, leaving and the handover apply their reply at once. */
export interface ShiftStore {
  shift: Store<ShiftView | null>;
  join(credentials: MethodInput<'shift.join'>): Promise<ShiftView>;
  leave(operatorId: string): Promise<ShiftView>;
  /** Both sign; the shift is sealed and the console passes to the incoming operator. */
  handover(input: MethodInput<'shift.handover'>): Promise<MethodOutput<'shift.handover'>>;
  load(): Promise<void>;
  dispose(): void;
}

export function createShiftStore(
  client: ConsoleClient,
  deps: { signedIn(result: MethodOutput<'auth.login'>): Promise<void> },
): ShiftStore {
  const shift = createStore<ShiftView | null>(null);
  // A view of an earlier shift (sealed since) never replaces the open one.
  const show = (next: ShiftView) =>
    shift.set((prev) => (prev && next.startedAt < prev.startedAt ? prev : next));
  const off = client.on('shift.changed', show);
  return {
    shift,
    async join(credentials) {
      const view = await client.call('shift.join', credentials);
      show(view);
      return view;
    },
    async leave(operatorId) {
      const view = await client.call('shift.leave', { operatorId });
      show(view);
      return view;
    },
    async handover(input) {
      const result = await client.call('shift.handover', input);
      show(result.next);
      await deps.signedIn({ operator: result.operator, resumeToken: result.resumeToken });
      return result;
    },
    async load() {
      show(await client.call('shift.current'));
    },
    dispose: off,
  };
}

export const [ShiftContext, useShift] = featureContext<ShiftStore>('shift');
