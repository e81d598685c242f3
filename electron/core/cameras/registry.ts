import { spawn } from 'node:child_process';
import type { Knex } from 'knex';
import { describeIssues } from '../../../shared/contract';
import { CameraDef, type SiteFile } from '../../../shared/domain/site';
import { ServiceError } from '../errors';
import { explainFfmpegError } from '../streams/ffmpeg';
import { redactUrl } from '../../common/redact';
import { loadOverrides, writeOverride } from '../site/overrides';

export type Camera = SiteFile['cameras'][number];

/** `rtsp://user:pass@host/x` → credentials part, or undefined. */
function credentials(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(url)?.[1];
}

const DEFAULT_PORTS: Record<string, string> = {
  'rtsp:': '554',
  'rtsps:': '322',
  'http:': '80',
  'https:': '443',
};

/** `rtsp://host:554` for any URL of that scheme, host and port (the default port written out), else undefined. */
function endpoint(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!u.hostname) return undefined;
    return `${u.protocol}//${u.hostname.toLowerCase()}:${u.port || DEFAULT_PORTS[u.protocol] || ''}`;
  } catch {
    return undefined;
  }
}

/**
 * A URL shown as `rtsp://***@host/...` comes back with the stored credentials put back in, but only for the
 * scheme, host and port they were stored for: a supervisor who points a camera elsewhere types them again, so
 * the stored password never goes to a host nobody entered it for.
 */
export function restoreCredentials(url: string, previous: string | undefined): string {
  if (!url.includes('://***@')) return url;
  const secret = previous ? credentials(previous) : undefined;
  if (!secret)
    throw new ServiceError(
      'invalid_input',
      'Enter the user name and password again: this camera has none stored.',
    );
  const restored = url.replace('://***@', `://${secret}@`);
  const here = endpoint(restored);
  if (!here || here !== endpoint(previous!))
    throw new ServiceError(
      'invalid_input',
      'The address points to another host or port than the stored one: enter the user name and password for it.',
      'camera_credentials_host',
    );
  return restored;
}

/** What an NVR password is shown as (and sent back as when unchanged); never the password itself. */
export const STORED_SECRET = '***';

/** An NVR channel as the camera management page sees it: the password replaced by `***`. */
export function hideNvrSecret(nvr: Camera['nvr']): Camera['nvr'] {
  return nvr?.password === undefined ? nvr : { ...nvr, password: STORED_SECRET };
}

/** `***` as the NVR password keeps the stored one, for the same NVR (host and HTTP/RTSP ports) only. */
export function restoreNvrSecret(nvr: Camera['nvr'], previous: Camera['nvr']): Camera['nvr'] {
  if (nvr?.password !== STORED_SECRET) return nvr;
  if (previous?.password === undefined)
    throw new ServiceError('invalid_input', "Enter the NVR's password again: this camera has none stored.");
  const same = (n: NonNullable<Camera['nvr']>) => `${n.host.toLowerCase()}:${n.httpPort}:${n.rtspPort}`;
  if (same(nvr) !== same(previous))
    throw new ServiceError(
      'invalid_input',
      'The NVR address is another than the stored one: enter the user name and password for it.',
      'camera_credentials_host',
    );
  return { ...nvr, password: previous.password };
}

/**
 * The cameras in force: the site file's, with what supervisors changed in the console on top. Changes are
 * stored and audited; the site file itself is never rewritten.
 */
export class CameraRegistry {
  private cameras: Camera[] = [];

  constructor(
    private readonly db: Knex,
    private readonly site: SiteFile,
  ) {}

  async load(): Promise<Camera[]> {
    this.cameras = await loadOverrides(this.db, 'camera_overrides', this.site.cameras, (d) =>
      CameraDef.parse(d),
    );
    return this.cameras;
  }

  list(): Camera[] {
    return this.cameras;
  }

  find(id: string): Camera | undefined {
    return this.cameras.find((c) => c.id === id);
  }

  /** Adds or replaces a camera; validated like the site file, zone must exist. */
  async save(raw: unknown, actor: { id: string; name: string }, at: number): Promise<Camera> {
    const parsed = CameraDef.safeParse(raw);
    if (!parsed.success)
      throw new ServiceError('invalid_input', `The camera is not valid: ${describeIssues(parsed.error)}`);
    const previous = this.find(parsed.data.id);
    const camera: Camera = {
      ...parsed.data,
      streams: {
        main: restoreCredentials(parsed.data.streams.main, previous?.streams.main),
        ...(parsed.data.streams.sub
          ? {
              sub: restoreCredentials(
                parsed.data.streams.sub,
                previous?.streams.sub ?? previous?.streams.main,
              ),
            }
          : {}),
      },
      ...(parsed.data.nvr ? { nvr: restoreNvrSecret(parsed.data.nvr, previous?.nvr) } : {}),
    };
    if (camera.zone && !this.site.zones.some((z) => z.id === camera.zone)) {
      throw new ServiceError('invalid_input', `The camera is not valid: zone: no zone "${camera.zone}"`);
    }
    await writeOverride(
      this.db,
      'camera_overrides',
      { id: camera.id, definition: camera, actor, at },
      {
        action: previous ? 'camera.update' : 'camera.add',
        details: {
          main: redactUrl(camera.streams.main),
          sub: camera.streams.sub ? redactUrl(camera.streams.sub) : undefined,
        },
      },
    );
    await this.load();
    return camera;
  }

  async remove(id: string, actor: { id: string; name: string }, at: number): Promise<void> {
    if (!this.find(id)) throw new ServiceError('not_found', `There is no camera "${id}".`);
    await writeOverride(
      this.db,
      'camera_overrides',
      { id, definition: null, actor, at },
      { action: 'camera.remove' },
    );
    await this.load();
  }
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  codec?: string;
  width?: number;
  height?: number;
}

/** Asks ffmpeg for one picture from the source and says, in plain words, what happened. */
export function testConnection(
  ffmpegPath: string,
  url: string,
  transport: 'tcp' | 'udp',
  major: number | undefined,
  timeoutMs = 12_000,
): Promise<ConnectionTest> {
  const args = ['-hide_banner', '-nostdin'];
  if (/^rtsps?:/i.test(url)) {
    args.push('-rtsp_transport', transport);
    if (major !== undefined) args.push(major >= 5 ? '-timeout' : '-stimeout', '5000000');
  }
  args.push('-i', url, '-frames:v', '1', '-an', '-f', 'null', '-');
  return new Promise((resolve) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `ffmpeg could not be started (${err.message})` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const video = /Stream #\d+:\d+.*?: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(stderr);
      if (code === 0 && video) {
        resolve({
          ok: true,
          message: `video ${video[1]} ${video[2]}×${video[3]}`,
          codec: video[1]!,
          width: Number(video[2]),
          height: Number(video[3]),
        });
      } else if (signal === 'SIGKILL') {
        resolve({
          ok: false,
          message: 'no answer from the camera within 12 s (host unreachable or blocked)',
        });
      } else {
        resolve({
          ok: false,
          message:
            explainFfmpegError(stderr) ??
            (video ? 'the camera answered but sent no picture' : 'the stream has no video track'),
        });
      }
    });
  });
}
