/** The prefs feature's public face: what the signed-in operator chose (language, wall, map layers). */
export { createPrefsStore, PrefsContext, usePrefs, type Prefs, type PrefsStore } from './store';
export { useLocalePref } from './useLocalePref';
