/** Removes credentials from a URL-like string before it reaches a log line or the renderer. */
export function redactUrl(source: string): string {
  return source
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*@)/i, (_m, scheme: string) => `${scheme}***@`)
    .replace(/([?&](?:password|pass|pwd|token|auth|key)=)[^&\s]*/gi, '$1***');
}

/** Redacts every URL inside free text (ffmpeg's stderr quotes its input URL). */
export function redactText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (url) => redactUrl(url));
}
