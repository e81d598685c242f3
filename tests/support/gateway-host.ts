/**
 * A process that runs a video gateway with one viewer and prints the ffmpeg pids, for the test that kills
 * it with SIGKILL and checks that no ffmpeg outlives it. Run: node --import tsx tests/support/gateway-host.ts <url>
 */
import { tmpdir } from 'node:os';
import WebSocket from 'ws';
import { StreamGateway } from '../../electron/core/streams/gateway';
import { systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';

const url = process.argv[2] ?? 'synthetic:testsrc2';
const gateway = new StreamGateway({
  cameras: [{ id: 'cam', name: 'cam', streams: { main: url, sub: url }, transport: 'tcp' }],
  clock: systemClock,
  log: silentLogger,
  workDir: tmpdir(),
  onStatus: (streams) => {
    if (streams.some((s) => s.state === 'live')) console.log(`PIDS ${gateway.pids().join(',')}`);
  },
});
await gateway.start();
for (const profile of ['main', 'sub']) {
  const ws = new WebSocket(`${gateway.url}/cam/${profile}?token=${gateway.token}`);
  ws.on('message', () => undefined);
}
