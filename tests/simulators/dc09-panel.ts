// The DC-09 panel simulator lives in electron/hub/demo/ (the embedded demo's equipment uses it); tests keep this path.
export * from '../../electron/hub/demo/dc09-panel';
