// The GB/T 26875.3 transmitter simulator lives in electron/hub/demo/ (the embedded demo's equipment uses it); tests keep this path.
export * from '../../electron/hub/demo/gb26875-transmitter';
