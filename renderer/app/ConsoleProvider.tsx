import type { Context, ReactNode } from 'react';
import { ClientContext } from '../api/client';
import { AlarmsContext } from '../features/alarms';
import { CamerasContext } from '../features/cameras';
import { DutyContext } from '../features/duty';
import { GuardsContext } from '../features/guards';
import { OperatorsContext } from '../features/operators';
import { PlaybooksContext } from '../features/playbooks';
import { PrefsContext } from '../features/prefs';
import { ShiftContext } from '../features/shift';
import { SystemContext } from '../features/system';
import { NotifyContext } from '../ui/notify';
import { PopOutContext } from '../ui/popout';
import type { Console } from './console';

const provide =
  <T,>(context: Context<T>, value: T) =>
  (children: ReactNode) => <context.Provider value={value}>{children}</context.Provider>;

/** Hands every feature its store (and ui/ the notice bar) for everything below. */
export function ConsoleProvider({ value: c, children }: { value: Console; children: ReactNode }) {
  const layers = [
    provide(ClientContext, c.client),
    provide(NotifyContext, c.system.notify),
    provide(SystemContext, c.system),
    provide(OperatorsContext, c.operators),
    provide(AlarmsContext, c.alarms),
    provide(CamerasContext, c.cameras),
    provide(GuardsContext, c.guards),
    provide(PlaybooksContext, c.playbooks),
    provide(DutyContext, c.duty),
    provide(ShiftContext, c.shift),
    provide(PrefsContext, c.prefs),
    provide(PopOutContext, c.popOuts ?? null),
  ];
  return <>{layers.reduceRight((inner, wrap) => wrap(inner), children)}</>;
}
