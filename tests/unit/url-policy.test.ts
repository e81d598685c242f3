import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appFileFor,
  externalOriginsFrom,
  isAllowedExternal,
  isOwnPage,
  popOutPageArea,
} from '../../electron/main/url-policy';

const INSTALL = '/opt/Control Room Console/resources/app.asar/out/renderer';
const DEV = 'http://localhost:5173';

describe('Electron URL policy (pure, no Electron)', () => {
  it('imports nothing from Electron, so it runs and is tested under Node', () => {
    const source = readFileSync(join(import.meta.dirname, '../../electron/main/url-policy.ts'), 'utf8');
    expect(source).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)/);
  });

  it('our own page is the app:// origin exactly', () => {
    expect(isOwnPage('app://console/index.html')).toBe(true);
    expect(isOwnPage('app://console/index.html#wall')).toBe(true);
    expect(isOwnPage('app://console/')).toBe(true);
    for (const url of [
      // The old check compared only the end of the URL: these passed.
      `https://evil.example${INSTALL}/index.html`,
      `file://${INSTALL}/index.html`,
      `file:///tmp/evil${INSTALL}/index.html`,
      'app://console.evil.example/index.html',
      'app://evil/index.html',
      'app://user:pw@console/index.html',
      'apps://console/index.html',
      'http://console/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      '',
    ]) {
      expect(isOwnPage(url), url).toBe(false);
    }
  });

  it('a bad % escape is simply not ours: nothing throws before preventDefault', () => {
    for (const url of [
      `https://evil.example/%E0%A4%A${INSTALL}`,
      'app://console/%',
      '%%%',
      'app://console/%zz',
    ]) {
      expect(() => isOwnPage(url)).not.toThrow();
      expect(() => popOutPageArea(url)).not.toThrow();
      expect(() => isAllowedExternal(url)).not.toThrow();
      expect(() => appFileFor(url, INSTALL)).not.toThrow();
    }
    expect(isOwnPage(`https://evil.example/%E0%A4%A${INSTALL}`)).toBe(false);
    expect(appFileFor('app://console/%E0%A4%A', INSTALL)).toBeUndefined();
  });

  it('in development our page is the dev server origin: scheme, host and port all equal', () => {
    expect(isOwnPage('http://localhost:5173/', DEV)).toBe(true);
    expect(isOwnPage('http://localhost:5173/index.html#wall', DEV)).toBe(true);
    expect(isOwnPage('http://localhost:5174/', DEV)).toBe(false);
    expect(isOwnPage('http://localhost:5173.evil.example/', DEV)).toBe(false);
    expect(isOwnPage('https://localhost:5173/', DEV)).toBe(false);
    // A prefix match (the old check) let this one through.
    expect(isOwnPage('http://localhost:51730/', DEV)).toBe(false);
    expect(isOwnPage('app://console/index.html', DEV)).toBe(false);
  });

  it('only our page with #wall, #map or #queue opens as a pop-out, showing that area', () => {
    expect(popOutPageArea('app://console/index.html#wall')).toBe('wall');
    expect(popOutPageArea('app://console/index.html#map')).toBe('map');
    expect(popOutPageArea('app://console/index.html#queue')).toBe('queue');
    expect(popOutPageArea('app://console/index.html')).toBeUndefined();
    expect(popOutPageArea('app://console/index.html#wallpaper')).toBeUndefined();
    expect(popOutPageArea('app://console/index.html#incident')).toBeUndefined();
    expect(popOutPageArea('https://evil.example/#wall')).toBeUndefined();
    expect(popOutPageArea('https://evil.example/#queue')).toBeUndefined();
    expect(popOutPageArea('http://localhost:5173/#map', DEV)).toBe('map');
  });

  it('app:// serves files under the renderer folder and nothing outside it', () => {
    const root = resolve('/srv/renderer');
    expect(appFileFor('app://console/index.html', root)).toBe(join(root, 'index.html'));
    expect(appFileFor('app://console/', root)).toBe(join(root, 'index.html'));
    expect(appFileFor('app://console/assets/index-abc.js?v=1#x', root)).toBe(
      join(root, 'assets/index-abc.js'),
    );
    expect(appFileFor('app://console/assets/a%20b.png', root)).toBe(join(root, 'assets/a b.png'));
    // The URL parser resolves `..` (also written %2e%2e) against the root before we look: it stays inside.
    expect(appFileFor('app://console/../secret.txt', root)).toBe(join(root, 'secret.txt'));
    expect(appFileFor('app://console/assets/%2e%2e/%2e%2e/secret.txt', root)).toBe(join(root, 'secret.txt'));
    // A `/` or `\` hidden in an escape becomes a path separator only after decoding: refused.
    for (const url of [
      'app://console/..%2fsecret.txt',
      'app://console/..%5csecret.txt',
      'app://console/%00index.html',
      'app://other/index.html',
      'file:///srv/renderer/index.html',
      'https://console/index.html',
    ]) {
      expect(appFileFor(url, root), url).toBeUndefined();
    }
  });

  it('hands calls and allow-listed https origins to the operating system, and nothing else', () => {
    const allowed = externalOriginsFrom(' https://manual.example.com , http://plain.example, nonsense,');
    expect(allowed).toEqual(['https://manual.example.com']);
    for (const url of [
      'tel:+8613800138000',
      'tel:110',
      'sip:1001@pbx.local',
      'sips:1001@pbx.local;transport=tls',
      'callto:+8613800138000',
      'https://manual.example.com/fire.pdf',
    ]) {
      expect(isAllowedExternal(url, allowed), url).toBe(true);
    }
    for (const url of [
      'https://evil.example/',
      'https://manual.example.com.evil.example/',
      'https://user@manual.example.com/',
      'http://manual.example.com/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'tel:110 && rm -rf',
      'tel:',
      'ms-settings:privacy',
      'vscode://file/etc/passwd',
    ]) {
      expect(isAllowedExternal(url, allowed), url).toBe(false);
    }
    // No allow-list: no web page leaves at all.
    expect(isAllowedExternal('https://manual.example.com/')).toBe(false);
  });
});
