/** The prefs feature's public face: what the signed-in operator chose (language, wall, map layers, density, panes). */
export { createPrefsStore, PrefsContext, usePrefs, type Prefs, type PrefsStore } from './store';
export { useLocalePref } from './useLocalePref';
export { useDensity, usePanes, type PaneGroup } from './useLayoutPrefs';
