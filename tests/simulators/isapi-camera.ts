// The fake ISAPI camera simulator lives in electron/hub/demo/ (the embedded demo's equipment uses it); tests keep this path.
export * from '../../electron/hub/demo/isapi-camera';
