import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { SpawnedProcess, Spawner } from '../../electron/core/streams/worker';

/** Builds MPEG-TS packets like ffmpeg's: a picture start (optionally a keyframe) or a continuation. */
export function tsPacket(kind: 'keyframe' | 'picture' | 'continuation'): Buffer {
  const p = Buffer.alloc(188, 0xff);
  p[0] = 0x47;
  p[3] = 0x10;
  if (kind === 'continuation') {
    p[1] = 0x01;
    p[2] = 0x00;
    return p;
  }
  p[1] = 0x41; // payload unit start, PID 0x100
  p[2] = 0x00;
  // PES header: start code, video stream id, length 0, flags, PTS present, header length 5.
  Buffer.from([0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, 0x21, 0, 1, 0, 1]).copy(p, 4);
  Buffer.from(kind === 'keyframe' ? [0, 0, 1, 0xb3] : [0, 0, 1, 0x00]).copy(p, 18);
  return p;
}

export class FakeProcess extends EventEmitter implements SpawnedProcess {
  static nextPid = 40_000;
  pid = FakeProcess.nextPid++;
  stdout = new PassThrough();
  stderr = new PassThrough();
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  signals: NodeJS.Signals[] = [];
  /** A hung ffmpeg: ignores SIGTERM, only SIGKILL ends it. */
  ignoreSigterm = false;

  constructor(
    readonly command: string,
    readonly args: string[],
  ) {
    super();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (signal === 'SIGTERM' && this.ignoreSigterm) return true;
    this.exit(null, signal);
    return true;
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }

  write(...kinds: ('keyframe' | 'picture' | 'continuation')[]): void {
    this.stdout.write(Buffer.concat(kinds.map(tsPacket)));
  }
}

export function fakeSpawner(): { spawn: Spawner; processes: FakeProcess[] } {
  const processes: FakeProcess[] = [];
  return {
    processes,
    spawn: (command, args) => {
      const p = new FakeProcess(command, args);
      processes.push(p);
      return p;
    },
  };
}

/** Lets stream 'data' handlers run (PassThrough delivers on the next tick). */
export const flush = () => new Promise((r) => setImmediate(r));
