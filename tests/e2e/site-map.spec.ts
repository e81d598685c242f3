import { demoPhone } from '../support/demo-phones';
import { expect, signIn, test } from './fixtures';

const POSITION = /^-?\d+\.\d+,-?\d+\.\d+$/;

// The map and its guard list side by side, as on a control room's monitor.
test.use({ viewport: { width: 1920, height: 1080 } });

test('demo guards move on the map; layers switch and follow the operator; a camera opens on the wall', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  const { shell, map, guards, wall } = ui;
  await signIn(page, consoleApp);

  const patrolling = map.patrollingGuards.first();
  await expect(patrolling).toBeVisible({ timeout: 20_000 });
  const marker = map.guard(await map.guardIdOf(patrolling));
  await expect(marker).toHaveAttribute('data-position', POSITION);
  const before = await map.positionOf(marker);
  await expect.poll(() => map.positionOf(marker), { timeout: 15_000 }).not.toBe(before);
  await expect(marker).toHaveAttribute('data-status', 'on_patrol');
  await expect(guards.rows.first()).toHaveAttribute('data-status', /on_patrol|dispatched/);
  await saveScreenshot('site-map-zh-CN.png');

  // A switched-off layer stays off after a reload: the choice is the operator's preference.
  await expect(map.cameras.first()).toBeVisible();
  await map.toggleLayer('cameras');
  await expect(map.cameras).toHaveCount(0);
  await expect(map.layerSwitch('cameras')).toHaveAttribute('aria-pressed', 'false');
  await shell.reload();
  await expect(map.guardMarkers.first()).toBeVisible({ timeout: 20_000 });
  await expect(map.layerSwitch('cameras')).toHaveAttribute('aria-pressed', 'false');
  await expect(map.cameras).toHaveCount(0);
  await map.toggleLayer('cameras');
  await expect(map.cameras.first()).toBeVisible();

  // A camera on the map, clicked, shows full size on the wall (guards and alarms hidden so none covers it).
  await map.toggleLayer('guards');
  await map.toggleLayer('alarms');
  await expect(map.guardMarkers).toHaveCount(0);
  await map.openCamera(map.cameras.first());
  await expect(wall.focus).toBeVisible();
  await wall.backFromFocus();
  await map.toggleLayer('guards');
  await map.toggleLayer('alarms');
  await expect(map.guardMarkers.first()).toBeVisible();

  await shell.switchLanguage();
  await expect(map.layerSwitch('guards')).toContainText('Guards');
  await saveScreenshot('site-map-en.png');
});

test('dispatch from an alarm: a suggested guard is sent, the alarm and his marker show it, arrival moves it on scene', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  const { queue, map, incident } = ui;
  await signIn(page, consoleApp);
  await expect(map.guardMarkers.first()).toBeVisible({ timeout: 20_000 });

  // Open a located demo alarm from its marker on the map.
  const alarmMarker = map.alarms.first();
  await expect(alarmMarker).toBeAttached({ timeout: 30_000 });
  const alarmId = await map.alarmIdOf(alarmMarker);
  await map.openAlarm(alarmMarker);
  await expect(incident.detail).toHaveAttribute('data-alarm-id', alarmId);

  const candidate = incident.availableCandidates.first();
  await expect(candidate).toBeVisible();
  const guardId = await incident.guardIdOf(candidate);
  await expect(candidate).toContainText('米');
  await saveScreenshot('dispatch-picker.png');
  await candidate.click();

  await expect(incident.state).toHaveText('已派警');
  await expect(incident.assignedGuard(guardId)).toHaveAttribute('data-duty', 'dispatched');
  await expect(map.guard(guardId)).toHaveAttribute('data-status', 'dispatched');
  await expect(queue.row(alarmId)).toHaveAttribute('data-state', 'dispatched');

  // The guard confirms by radio: the alarm is on scene.
  await incident.markArrived(guardId);
  await expect(incident.state).toHaveText('已到场');
  await expect(incident.assignedGuard(guardId)).toHaveAttribute('data-duty', 'on_scene');
});

test('D in the queue opens the guard picker with the keyboard on the best guard', async ({
  page,
  consoleApp,
  ui,
}) => {
  const { queue, incident } = ui;
  await signIn(page, consoleApp);
  const first = queue.rows.first();
  await expect(first).toBeVisible({ timeout: 30_000 });
  const alarmId = await queue.alarmIdOf(first);
  // That alarm's own row: a demo alarm arriving meanwhile can take the top of the queue (seen in CI).
  await queue.select(queue.row(alarmId));
  await queue.press('dispatch');
  await expect(incident.detail).toHaveAttribute('data-alarm-id', alarmId);
  const best = incident.candidates.first();
  await expect(best).toBeFocused();
  const guardId = await incident.guardIdOf(best);
  await incident.dispatchFocusedCandidate();
  await expect(incident.assignedGuard(guardId)).toBeVisible();
  await expect(incident.state).toHaveText('已派警');
});

test('replay a guard track: load the last hour, move the slider, the replay marker moves; Esc leaves', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  const { map, replay } = ui;
  await signIn(page, consoleApp);
  const marker = map.patrollingGuards.first();
  await expect(marker).toBeVisible({ timeout: 20_000 });
  const guardId = await map.guardIdOf(marker);
  // Wait until the guard has walked a little, so his stored track has more than one point.
  const start = await map.positionOf(marker);
  await expect.poll(() => map.positionOf(marker), { timeout: 15_000 }).not.toBe(start);

  await replay.open();
  await expect(replay.root).toBeVisible();
  await replay.load(guardId);

  await expect(map.replayMarker).toBeVisible();
  const first = await map.positionOf(map.replayMarker);
  expect(first).toMatch(POSITION);
  await replay.moveTo('End');
  await expect.poll(() => map.positionOf(map.replayMarker)).not.toBe(first);
  const timeAtEnd = await replay.time.textContent();
  await replay.moveTo('Home');
  await expect(map.replayMarker).toHaveAttribute('data-position', first!);
  await expect(replay.time).not.toHaveText(timeAtEnd!);
  await saveScreenshot('replay.png');

  await replay.leave();
  await expect(replay.root).toBeHidden();
  await expect(map.replayMarker).toHaveCount(0);
});

/**
 * The guards' phone endpoint (OsmAnd) on loopback, on the port the console picked and printed at start (`0`): a
 * port picked here and handed over could be taken by another listener first (the embedded hub opens several).
 */
const withPhones = test.extend<{ osmandPort: number }>({
  consoleArgs: async ({}, use) => {
    await use(['--osmand-port', '0', '--osmand-host', '127.0.0.1']);
  },
  osmandPort: async ({ consoleApp }, use) => {
    const printed = /Guards' phones \(Traccar Client \/ OsmAnd\): port (\d+) on /.exec(consoleApp.output());
    if (!printed) throw new Error(`start:web printed no phone port:\n${consoleApp.output()}`);
    await use(Number(printed[1]));
  },
});

withPhones(
  "a guard's SOS from his phone: red on the map and in the guard list, a P1 alarm, and 'guard is safe' ends it",
  async ({ page, consoleApp, osmandPort, ui }) => {
    const { queue, map, guards } = ui;
    await signIn(page, consoleApp);
    await expect(map.guardMarkers.first()).toBeVisible({ timeout: 20_000 });

    const report = `id=${demoPhone('guard-03')}&lat=30.2722&lon=120.1528&timestamp=${Math.floor(Date.now() / 1000)}&alarm=sos`;
    const res = await fetch(`http://127.0.0.1:${osmandPort}/?${report}`, { method: 'POST' });
    expect(res.status).toBe(200);
    await expect(map.guard('guard-03')).toHaveAttribute('data-status', 'sos');
    await expect(guards.row('guard-03')).toHaveAttribute('data-status', 'sos');
    await expect(queue.rowsOfPriority(1).first()).toContainText('保安求救');

    await guards.clearSos('guard-03', '对讲确认安全');
    await expect(guards.row('guard-03')).not.toHaveAttribute('data-status', 'sos');
    await expect(map.guard('guard-03')).not.toHaveAttribute('data-status', 'sos');
  },
);

withPhones(
  'a supervisor issues a phone its secret id: shown once with its setup link, it reports, and once revoked it is refused',
  async ({ page, consoleApp, osmandPort, ui }) => {
    const { shell, phones } = ui;
    await signIn(page, consoleApp, { role: 'supervisor' });
    await shell.openMenu('phones');
    await expect(phones.row('张伟')).toBeVisible();
    await phones.issue('guard-02', '2号机');
    const secret = (await phones.secret.textContent()) ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(30);
    await expect(phones.links).toHaveText(
      `http://127.0.0.1:${osmandPort}/?id=${encodeURIComponent(secret)}&accuracy=high&interval=10`,
    );
    // What Traccar Client then sends: the id from the link, a position (the link's other settings are the app's).
    const report = () =>
      fetch(
        `http://127.0.0.1:${osmandPort}/?id=${encodeURIComponent(secret)}&lat=30.2735&lon=120.1505&timestamp=${Math.floor(Date.now() / 1000)}`,
        { method: 'POST' },
      );
    expect((await report()).status).toBe(200);

    // Shown once: opened again, the dialog lists the phone (last heard from loopback) but not its id.
    await phones.close();
    await shell.openMenu('phones');
    await expect(phones.row('2号机')).toContainText('127.0.0.1');
    await expect(phones.secret).toHaveCount(0);
    await expect(phones.root).not.toContainText(secret);

    await phones.revoke('2号机');
    await expect(phones.row('2号机')).toHaveCount(0);
    expect((await report()).status).toBe(403);
  },
);
