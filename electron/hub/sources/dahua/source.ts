/**
 * The Dahua source: `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=N` on each camera or NVR,
 * kept open with Digest auth; its text blocks become alarms and restores (see README.md).
 */
import type { SourceContext } from '../source';
import { createStreamSource, type CameraStreamSource } from '../isapi/stream-source';
import type { DahuaSourceConfig } from './config';
import { parseBlock } from './events';

export type DahuaSource = CameraStreamSource;

export function createDahuaSource(
  config: DahuaSourceConfig,
  ctx: SourceContext,
  baseDir?: string,
): DahuaSource {
  const codes = `[${(config.codes ?? ['All']).join(',')}]`;
  return createStreamSource(
    {
      ...config,
      protocol: 'dahua',
      path: `/cgi-bin/eventManager.cgi?action=attach&codes=${encodeURIComponent(codes)}&heartbeat=${config.heartbeatSec}`,
      defaultBoundary: 'myboundary',
      idleTimeoutSec: config.heartbeatSec * 3 + 5,
      ...(baseDir !== undefined ? { baseDir } : {}),
      meaning(part) {
        const r = parseBlock(part.body);
        if (r.kind === 'other') return { kind: 'other', what: r.code };
        return r;
      },
    },
    ctx,
  );
}
