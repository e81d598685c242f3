import { DatabaseTooNewError } from '../common/database';
import type { RootLogger } from '../common/log';
import { SiteFileError } from '../common/site-file';
import { createConsoleCore, type ConsoleConfig, type ConsoleCore } from '../core';
import type { ConsoleArgs } from '../core/args';
import type { RecordingSettings } from '../core/recordings';
import { diskFromEnv, dutyFromEnv, streamsFromEnv, targetsFromEnv } from '../core/config';
import { startEmbeddedHub, type EmbeddedHub } from '../hub/embedded';
import { EquipmentConfigError } from '../hub/equipment';
import type { SiteHub } from '../hub/server';

/** A console core and, when no production hub is configured, the site hub it brings along. */
export interface Desk extends ConsoleCore {
  /** The embedded hub itself (tests publish through it and read its log); absent with a production hub. */
  demoHub: SiteHub | undefined;
  /** The embedded hub's equipment listeners and the ports they got (printed at start). */
  equipmentPorts: EmbeddedHub['ports'];
}

/**
 * One desk: the place where the console core and the site hub meet. Neither imports the other (lint and
 * tests/unit/architecture.test.ts keep them apart); the web host's console service, Electron's main process and
 * the tests start a console through here, so one desk needs nothing else, as before.
 */
export async function createDesk(config: ConsoleConfig): Promise<Desk> {
  let embedded: EmbeddedHub | undefined;
  const core = await createConsoleCore({
    ...config,
    embeddedHub:
      config.embeddedHub ??
      (async (o) => {
        embedded = await startEmbeddedHub(o);
        return embedded;
      }),
  });
  return Object.assign(core, { demoHub: embedded?.hub, equipmentPorts: embedded?.ports ?? [] });
}

/** A source entry of the site file the embedded hub cannot use: a configuration to fix, not a crash. */
export function isSourceConfigError(err: unknown): err is Error {
  return err instanceof EquipmentConfigError;
}

/**
 * A start that failed on something a person must fix (the site file, a database from a newer version, a source
 * entry): the service processes exit with their configuration code, and their supervisors do not restart them.
 */
export function isConfigError(err: unknown): err is Error {
  return err instanceof SiteFileError || err instanceof DatabaseTooNewError || isSourceConfigError(err);
}

/**
 * The recorder runs in both service processes unless `CONSOLE_RECORDINGS=off`; `CONSOLE_RECORDING_SEGMENT_SEC`
 * (2–60) shortens segments for tests, `CONSOLE_RECORDINGS_DIR` puts them elsewhere than the data folder.
 */
export function recordingsFromEnv(env: Record<string, string | undefined> = process.env): RecordingSettings {
  const sec = Number(env.CONSOLE_RECORDING_SEGMENT_SEC);
  return {
    enabled: env.CONSOLE_RECORDINGS !== 'off',
    ...(Number.isInteger(sec) && sec >= 2 && sec <= 60 ? { segmentSec: sec } : {}),
    ...(env.CONSOLE_RECORDINGS_DIR ? { root: env.CONSOLE_RECORDINGS_DIR } : {}),
  };
}

/**
 * The desk's configuration as both service processes (the web host's and the Electron shell's core) build it
 * from the command line and the environment. `CONSOLE_DEMO_SCENARIO=off`: the demo hub runs but plays nothing
 * (benchmarks bring their own guards); `CONSOLE_DEMO_SEED=N`: the scenario plays the run of seed N (a test that
 * needs a given device to speak first).
 */
export function deskConfigFrom(
  args: ConsoleArgs,
  o: {
    dataDir: string;
    carrierHint: 'ipc' | 'ws';
    log: RootLogger;
    /** The equipment ports to open, when a restart keeps those a first start picked for `0`. */
    equipmentPorts?: { dc09Port?: number; gb26875Port?: number; mqttPort?: number };
    osmand?: ConsoleArgs['osmand'];
    restarted?: { stoppedAt: number; reason: string } | undefined;
  },
): ConsoleConfig {
  const asked = args.equipmentPorts;
  return {
    dataDir: o.dataDir,
    sitePath: args.site,
    hub: args.hub,
    demo: {
      port: args.demoPort,
      scenario: process.env.CONSOLE_DEMO_SCENARIO !== 'off',
      ...(/^\d{1,9}$/.test(process.env.CONSOLE_DEMO_SEED ?? '')
        ? { seed: Number(process.env.CONSOLE_DEMO_SEED) }
        : {}),
      ...(o.equipmentPorts ?? { dc09Port: asked?.dc09, gb26875Port: asked?.gb26875, mqttPort: asked?.mqtt }),
    },
    osmand: o.osmand ?? args.osmand,
    carrierHint: o.carrierHint,
    alarmTargets: targetsFromEnv(),
    duty: dutyFromEnv(),
    disk: diskFromEnv(),
    recordings: recordingsFromEnv(),
    streams: streamsFromEnv(),
    nativeBinding: process.env.CONSOLE_SQLITE_BINDING,
    log: o.log,
    ...(o.restarted ? { restarted: o.restarted } : {}),
  };
}
