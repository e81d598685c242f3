import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A test that needs a system tool (Chromium, ffmpeg, GStreamer) skips on a developer machine without it,
 * with a message saying what to install, but FAILS in CI (CI=true), where .ci/run installs everything.
 */
export function requireTool(
  name: string,
  found: boolean,
  install: string,
): { available: boolean; reason: string } {
  const reason = `${name} is not installed (${install})`;
  if (!found && process.env.CI)
    throw new Error(`${reason}; CI must have it, so this is a failure, not a skip`);
  if (!found) console.warn(`SKIPPED: ${reason}`);
  return { available: found, reason };
}

export function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = () => existsSync(CHROMIUM);

/** The tools the suites need, each with its install hint: one place, so every test says the same. */
export const requireChromium = () => requireTool('Chromium', chromiumAvailable(), 'apt-get install chromium');
export const requirePdftotext = () =>
  requireTool('pdftotext', commandExists('pdftotext'), 'apt-get install poppler-utils');
export const requireFfmpeg = () => requireTool('ffmpeg', commandExists('ffmpeg'), 'apt-get install ffmpeg');
/** Debian's broker lives in /usr/sbin, which a developer's PATH may not hold. */
export const MOSQUITTO = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';
export const requireMosquitto = () =>
  requireTool('mosquitto', existsSync(MOSQUITTO) || commandExists('mosquitto'), 'apt-get install mosquitto');

export const requireOpenssl = () =>
  requireTool('openssl', commandExists('openssl'), 'apt-get install openssl');

/**
 * A self-signed certificate for 127.0.0.1 (RSA 2048, two days) written as `cert.pem` and `key.pem` in `dir`, by
 * the system's openssl: what an administrator would make for a test installation. Call `requireOpenssl` first.
 */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** Headless Chromium as these machines need it: no sandbox (root), no GPU, and no calls home (the network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
