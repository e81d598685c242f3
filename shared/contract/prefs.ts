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
});
export type MapLayers = z.output<typeof MapLayers>;

export const PrefEntry = z.discriminatedUnion('key', [
  z.object({ key: z.literal('locale'), value: Locale }),
  z.object({ key: z.literal('wall'), value: WallSetup }),
  z.object({ key: z.literal('mapLayers'), value: MapLayers }),
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
