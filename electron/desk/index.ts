import { createConsoleCore, type ConsoleConfig, type ConsoleCore } from '../core';
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
