/** Operator preferences, validated per key so nothing unknown reaches the database. */
import { z } from 'zod';
import { DoneReply, method } from './common';
import { WallSetup } from './cameras';
import { Locale } from '../domain/text';

/** Which layers of the site map an operator shows; every field defaults on, so a new layer appears. */
export const MapLayers = z.object({
  zones: z.boolean().default(true),
  cameras: z.boolean().default(true),
  alarms: z.boolean().default(true),
  guards: z.boolean().default(true),
  patrols: z.boolean().default(true),
  noParking: z.boolean().default(true),
  /** The fixed posts and who holds them (issue 17). */
  posts: z.boolean().default(true),
});
export type MapLayers = z.output<typeof MapLayers>;

/** How large the console draws its type and controls; the default follows the screen (renderer/ui/theme.ts). */
export const DENSITIES = ['compact', 'normal', 'large'] as const;
export const Density = z.enum(DENSITIES);
export type Density = z.infer<typeof Density>;

/** The named arrangements of the console's panes, each switchable by one key. */
export const ARRANGEMENTS = ['video', 'alarms', 'map'] as const;
export const Arrangement = z.enum(ARRANGEMENTS);
export type Arrangement = z.infer<typeof Arrangement>;

/** One pane group's sizes: pane id → percentage of the group. */
const PaneSizes = z.record(z.string().max(40), z.number().min(0).max(100));

/**
 * The operator's panes: the arrangement in use and, per arrangement, the sizes they dragged it to (the three
 * nested groups: columns, the left column's rows, the bottom row).
 */
export const PaneSetup = z.object({
  arrangement: Arrangement.default('video'),
  sizes: z
    .partialRecord(
      Arrangement,
      z.object({ columns: PaneSizes, left: PaneSizes, bottom: PaneSizes }).partial(),
    )
    .default({}),
});
export type PaneSetup = z.output<typeof PaneSetup>;

export const PrefEntry = z.discriminatedUnion('key', [
  z.object({ key: z.literal('locale'), value: Locale }),
  z.object({ key: z.literal('wall'), value: WallSetup }),
  z.object({ key: z.literal('mapLayers'), value: MapLayers }),
  z.object({ key: z.literal('density'), value: Density }),
  z.object({ key: z.literal('panes'), value: PaneSetup }),
]);
export type PrefEntry = z.infer<typeof PrefEntry>;
export const PrefKey = z.enum(
  PrefEntry.options.map((o) => o.shape.key.value) as [PrefEntry['key'], ...PrefEntry['key'][]],
);

export const prefMethods = {
  'prefs.get': method({
    input: z.object({ key: PrefKey }).strict(),
    output: z.object({ value: z.unknown().nullable() }),
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: "The signed-in operator's stored preference for a key, or null.",
  }),
  'prefs.set': method({
    input: PrefEntry,
    output: DoneReply,
    role: 'operator',
    mutates: true,
    summary: "Store one of the signed-in operator's preferences.",
  }),
};

export const prefEvents = {};
