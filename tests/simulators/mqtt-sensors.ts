/**
 * The MQTT sensor simulator lives in electron/hub/demo/mqtt-sensors.ts (the embedded demo's sensors use it); this
 * path keeps it for the tests and as a command, for load and manual runs:
 *   node --import tsx tests/simulators/mqtt-sensors.ts --url mqtt://127.0.0.1:1883 --sensors 50 --every 10000
 */
import { pathToFileURL } from 'node:url';
import { leakSensors, startSensors } from '../../electron/hub/demo/mqtt-sensors';

export * from '../../electron/hub/demo/mqtt-sensors';

async function main(argv: string[]): Promise<void> {
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const url = opt('url', 'mqtt://127.0.0.1:1883');
  const n = Number(opt('sensors', '10'));
  const every = Number(opt('every', '10000'));
  const fleet = await startSensors({ url, sensors: leakSensors(n) });
  console.log(`[mqtt-sensors] ${n} sensors connected to ${url}; a state every ${every} ms each`);
  const timer = setInterval(() => {
    for (const s of fleet.sensors) {
      const leak = Math.random() < 0.01 ? !s.state.water_leak : s.state.water_leak === true;
      s.set({ water_leak: leak, linkquality: 80 + Math.floor(Math.random() * 100) }).catch(() => undefined);
    }
  }, every);
  process.once('SIGINT', () => {
    clearInterval(timer);
    void fleet.close().then(() => process.exit(0));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`mqtt-sensors: ${err.message}`);
    process.exit(1);
  });
}
