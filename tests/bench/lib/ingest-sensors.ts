/**
 * The MQTT sensors of bench:ingest, in a process of their own so that their two thousand clients do not share the
 * benchmark's event loop with the panels it times. Each reports every `everyMs` (±50 %): a heartbeat, or one time
 * in a hundred a leak event (native topic, QoS 1). Prints `SENSORS READY` once all are connected.
 *   node --import tsx tests/bench/lib/ingest-sensors.ts <mqtt port> <sensors> <everyMs>
 */
import { SensorDriver } from '../../support/ingest-load';

const [port, n, everyMs] = process.argv.slice(2).map(Number) as [number, number, number];
// Small batches: on a busy machine a larger wave of CONNECTs runs into the clients' CONNACK timeout.
const driver = await SensorDriver.start(port, n, 25);
console.log('SENSORS READY');
let stopping = false;
const leaks = Array<boolean>(n).fill(false);
driver.fleet.sensors.forEach((sensor, i) => {
  const report = () => {
    if (stopping) return;
    const next = () => setTimeout(report, everyMs * (0.5 + Math.random()));
    if (Math.random() < 0.01) {
      leaks[i] = !leaks[i];
      void driver.leak(i, leaks[i]).then(next, next);
    } else void sensor.heartbeat().then(next, next);
  };
  setTimeout(report, Math.random() * everyMs);
});
process.once('SIGINT', () => {
  stopping = true;
  void driver.close().then(() => process.exit(0));
});
