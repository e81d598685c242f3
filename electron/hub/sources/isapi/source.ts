/**
 * The Hikvision ISAPI source: `GET /ISAPI/Event/notification/alertStream` on each camera or NVR, kept open, its
 * EventNotificationAlert parts turned into alarms and restores (see README.md).
 */
import type { SourceContext } from '../source';
import { parseAlert } from './alert';
import type { IsapiSourceConfig } from './config';
import { createStreamSource, type CameraStreamSource } from './stream-source';

export type IsapiSource = CameraStreamSource;

export function createIsapiSource(
  config: IsapiSourceConfig,
  ctx: SourceContext,
  baseDir?: string,
): IsapiSource {
  return createStreamSource(
    {
      ...config,
      protocol: 'isapi',
      path: config.path,
      ...(baseDir !== undefined ? { baseDir } : {}),
      meaning(part) {
        const r = parseAlert(part.headers['content-type'], part.body);
        if (r.kind === 'event') return { kind: 'events', events: [r.event] };
        if (r.kind === 'heartbeat') return { kind: 'heartbeat' };
        if (r.kind === 'other') return { kind: 'other', what: r.eventType };
        return r;
      },
    },
    ctx,
  );
}
