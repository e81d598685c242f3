/**
 * The data directory holds operators' password hashes, the audit chain, camera credentials, snapshots and logs of
 * a security site: nobody but the account running the console may read it (0700 directories, 0600 files).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

// Windows has no owner/group/other bits (chmod only toggles read-only); the profile directory's ACL applies there.
const POSIX = process.platform !== 'win32';

/**
 * Files this process creates from now on (SQLite's database, WAL and backups, which take no mode option) are
 * owner-only. Worker threads cannot change the umask; they inherit the process's.
 */
export function restrictUmask(): void {
  if (!POSIX) return;
  try {
    process.umask(0o077);
  } catch {
    // not allowed here (a worker thread): the explicit modes below still apply
  }
}

/**
 * Creates the directory (and missing parents) owner-only. An existing directory is left as it is: it may be a
 * shared one someone pointed us at (a work directory in /tmp); the data directory itself is tightened by
 * `secureDataDir`.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Tightens a file that may have been created by something that ignores our modes (SQLite, an older version). */
export function makePrivateFile(file: string): void {
  if (POSIX && existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Creates an empty owner-only file if there is none, so whatever opens it next (SQLite) keeps those bits. */
export function createPrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  makePrivateFile(file);
}

/**
 * At start: the data directory, its sub-directories and their files become owner-only, including those an older
 * version of the console created with the default 0755/0644. Two levels deep covers everything the console
 * writes (database, logs/, backups/, snapshots/, reports/, corrupt/, video/).
 */
export function secureDataDir(dataDir: string): void {
  restrictUmask();
  makePrivateDir(dataDir);
  if (!POSIX) return;
  // A sticky directory is a shared one (/tmp): never the console's own, never ours to lock down.
  if ((statSync(dataDir).mode & 0o1000) !== 0) return;
  chmodSync(dataDir, PRIVATE_DIR_MODE);
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      try {
        if (entry.isDirectory()) {
          chmodSync(path, PRIVATE_DIR_MODE);
          if (depth > 0) walk(path, depth - 1);
        } else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) {
          chmodSync(path, PRIVATE_FILE_MODE);
        }
      } catch {
        // a file removed meanwhile, or one that is not ours: not a reason to refuse to start
      }
    }
  };
  walk(dataDir, 1);
}
