/**
 * `npm start`: the Electron console when Electron's binary is (or can be made) present; otherwise one
 * plain sentence and the same console through the web host.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed';
import { runWebHost } from './cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function electronBinary(): string | undefined {
  const dir = join(root, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  // Honoured as Electron's own index.js does (a runtime kept elsewhere; the start-up test points it at nothing).
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist');
  const binary = join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/**
 * npm install skipped Electron's download (allowScripts); fetch it now with Electron's own installer. Its output
 * is kept, not shown: when it fails (offline, blocked) it prints a stack trace, and the person starting the
 * console needs one sentence saying what to do, with the installer's reason in it.
 */
function fetchElectron(): { binary?: string; reason?: string } {
  const installer = join(root, 'node_modules/electron/install.js');
  if (!existsSync(installer)) return { reason: 'the electron package is missing' };
  console.error('Fetching the Electron runtime (first start only)...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [installer], {
    cwd: dirname(installer),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
  const binary = result.status === 0 ? electronBinary() : undefined;
  return binary ? { binary } : { reason: installerReason(result.stderr?.toString() ?? '') };
}

/** The first line of the installer's error without its stack ("RequestError: getaddrinfo ENOTFOUND github.com"). */
function installerReason(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '' && !/^\s+at /.test(l));
  return line?.trim().slice(0, 200) || 'the download did not finish';
}

/**
 * better-sqlite3 is compiled for Node's ABI (tests, web host). Electron needs its own build; it lives in
 * .cache/ and is handed to the main process, so the two never overwrite each other.
 */
function electronSqliteBinding(): string | undefined {
  const version = (require('electron/package.json') as { version: string }).version;
  const target = join(root, '.cache/electron-native', version, 'better-sqlite3');
  const binding = join(target, 'build/Release/better_sqlite3.node');
  if (existsSync(binding)) return binding;
  cpSync(join(root, 'node_modules/better-sqlite3'), target, {
    recursive: true,
    filter: (src) => !src.includes('/build/'),
  });
  const prebuild = join(root, 'node_modules/prebuild-install/bin.js');
  const tries: string[][] = [
    [prebuild, '--runtime', 'electron', '--target', version],
    [
      join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
      'rebuild',
      `--target=${version}`,
      '--dist-url=https://electronjs.org/headers',
      '--runtime=electron',
    ],
  ];
  for (const args of tries) {
    if (!existsSync(args[0]!)) continue;
    const r = spawnSync(process.execPath, args, { cwd: target, stdio: 'inherit' });
    if (r.status === 0 && existsSync(binding)) return binding;
  }
  return undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const present = electronBinary();
  const fetched: { binary?: string; reason?: string } = present ? { binary: present } : fetchElectron();
  const binary = fetched.binary;
  if (!binary) {
    console.error(
      `Electron's runtime is not installed and could not be downloaded (${fetched.reason}), so the console is served to your browser instead: open the "Console:" address printed below (as \`npm run start:web\` does), or install the runtime with \`node node_modules/electron/install.js\` and run \`npm start\` again.`,
    );
    await runWebHost(argv);
    return;
  }
  buildIfNeeded(root, (line) => console.error(line));
  const binding = electronSqliteBinding();
  if (!binding) {
    console.error(
      'Could not build the SQLite driver for Electron, so the console is served to your browser instead.',
    );
    await runWebHost(argv);
    return;
  }
  const child = spawn(binary, [root, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, CONSOLE_SQLITE_BINDING: binding },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
