import type { ConsoleClient } from '../../shared/contract';
import type { PopOutArea } from '../../shared/domain/windows';
import { createConsoleClient } from '../api/client';
import { createSession, tabStorage, type TabStorage } from '../api/session';
import { pickTransport, type RendererTransport } from '../api/transport';
import { answerOpenedWindows, askOpener } from '../api/windows';
import { createAlarmsStore, type AlarmsStore } from '../features/alarms';
import { createCamerasStore, type CamerasStore } from '../features/cameras';
import { createDutyStore, type DutyStore } from '../features/duty';
import { createGuardsStore, type GuardsStore } from '../features/guards';
import { createOperatorsStore, type OperatorsStore } from '../features/operators';
import { createPlaybooksStore, type PlaybooksStore } from '../features/playbooks';
import { createPrefsStore, type PrefsStore } from '../features/prefs';
import { createShiftStore, type ShiftStore } from '../features/shift';
import { createSystemStore, type SystemStore } from '../features/system';
import { createPopOuts, joinConsoleWindow, type PopOuts } from './popouts';

/** The console in one window: the client and every feature's store, wired to each other here and nowhere else. */
export interface Console {
  client: ConsoleClient;
  system: SystemStore;
  operators: OperatorsStore;
  alarms: AlarmsStore;
  cameras: CamerasStore;
  guards: GuardsStore;
  playbooks: PlaybooksStore;
  duty: DutyStore;
  shift: ShiftStore;
  prefs: PrefsStore;
  /** The console window's pop-outs (undefined in a pop-out window itself). */
  popOuts?: PopOuts;
  dispose(): void;
}

export function createConsole(
  transport: RendererTransport = pickTransport(),
  storage: TabStorage = tabStorage,
  options: { popout?: PopOutArea } = {},
): Console {
  const client = createConsoleClient(transport);
  const popout = options.popout !== undefined;
  const session = createSession(storage, popout ? { popout, askOpener } : {});
  const system = createSystemStore(client);
  const cameras = createCamerasStore(client);
  const playbooks = createPlaybooksStore(client);
  const duty = createDutyStore(client);
  const prefs = createPrefsStore(client);
  const operators = createOperatorsStore(client, {
    session,
    storage,
    onSignedIn: () => loadOperatorData(),
    onSignedOut: () => {
      alarms.reset();
      prefs.reset();
    },
  });
  const alarms = createAlarmsStore(client, { operatorName: () => operators.operator.get()?.name });
  // A guard sent or arrived moves his alarm too: the reply carries both.
  const guards = createGuardsStore(client, { onAlarm: (view) => alarms.applyReply(view) });
  const shift = createShiftStore(client, { signedIn: (result) => operators.signedIn(result) });

  /** What the lock screen shows: the waiting alarms with their places, the hub, the notices, the language. */
  async function loadLockScreenData(): Promise<void> {
    await Promise.all([system.load(), alarms.load(), prefs.load()]);
  }

  async function loadOperatorData(): Promise<void> {
    await Promise.all([
      operators.load(),
      system.load(),
      cameras.load(),
      alarms.load(),
      guards.load(),
      shift.load(),
      playbooks.load(),
      prefs.load(),
    ]);
  }

  // Everything is (re)loaded whenever the link to the core opens, so a reconnect never leaves stale views.
  // A new connection is signed out: the tab's resume token signs it back in before anything else loads.
  // A locked window loads only what its lock screen shows (the core answers nothing else until unlock).
  const loadSnapshot = async () => {
    await Promise.all([system.loadInfo(), operators.loadAuth()]);
    const resumed = await session.resume(client);
    if ('ended' in resumed) operators.signInEnded(resumed.ended);
    if (await operators.load()) await (operators.locked.get() ? loadLockScreenData() : loadOperatorData());
  };

  // The console window and its pop-outs keep in step: which areas are out, which alarm is opened.
  const popOuts = popout ? undefined : createPopOuts(alarms);
  const offPopOut = options.popout ? joinConsoleWindow(options.popout, alarms) : () => undefined;

  // The console window signs its pop-outs in as its own operator, never while locked.
  const offWindows = popout
    ? () => undefined
    : answerOpenedWindows(async () => {
        if (!operators.operator.get() || operators.locked.get()) return undefined;
        const issued = await client.invoke('auth.windowToken', {});
        return issued.ok ? issued.value.resumeToken : undefined;
      });

  const offLink = transport.onLink((state) => {
    system.link.set(state);
    if (state === 'open') {
      loadSnapshot().catch((err: Error) => console.error(`loading the console state failed: ${err.message}`));
    }
  });

  return {
    client,
    system,
    operators,
    alarms,
    cameras,
    guards,
    playbooks,
    duty,
    shift,
    prefs,
    ...(popOuts ? { popOuts } : {}),
    dispose() {
      offLink();
      offWindows();
      offPopOut();
      popOuts?.dispose();
      for (const store of [system, operators, alarms, cameras, guards, playbooks, shift, prefs])
        store.dispose();
    },
  };
}
