/** pino-roll ships no types: the part of its API the logger uses (a sonic-boom stream that rolls its files). */
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export interface RollingFile extends EventEmitter {
    write(data: string): boolean;
    end(): void;
    destroy(): void;
    readonly file: string | null;
  }

  export interface PinoRollOptions {
    file: string;
    /** A number is megabytes; a string takes a unit: '500b', '64k', '10m'. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    /** `count` old files are kept besides the current one. */
    limit?: { count: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    dateFormat?: string;
    sync?: boolean;
    mkdir?: boolean;
    mode?: number;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingFile>;
}
