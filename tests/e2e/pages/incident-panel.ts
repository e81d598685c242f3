import type { Download, Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The incident panel: the open alarm's detail, its cameras, dispatch, playbooks and the incident report. */
export class IncidentPanel extends PageObject {
  readonly root = this.testId('incident-panel');
  readonly detail = this.testId('alarm-detail');
  readonly state = this.testId('alarm-detail-state');
  readonly trail = this.testId('alarm-trail');
  /** Where the alarm came from (hub protocol 3): the source, and each field the equipment sent. */
  readonly origin = this.testId('alarm-origin');
  readonly originSource = this.testId('alarm-origin-source');
  readonly originFields = this.testId('alarm-origin-field');
  readonly restored = this.testId('alarm-detail-restored');
  /** What the alarm says, in the operator's language when its source worded both (hub protocol 4). */
  readonly text = this.testId('alarm-text');
  readonly cameraTiles = this.root.getByTestId('alarm-cameras').getByTestId('camera-tile');
  readonly suggestedPlaybook = this.root.getByTestId('playbook-suggested');
  readonly drillBadge = this.root.getByTestId('incident-drill');
  readonly candidates = this.detail.getByTestId('dispatch-candidate');
  readonly availableCandidates = this.detail.locator(
    '[data-testid="dispatch-candidate"][data-available="true"]',
  );
  readonly run = new PlaybookRun(this.page);

  async alarmId(): Promise<string> {
    return (await this.detail.getAttribute('data-alarm-id')) ?? '';
  }

  async guardIdOf(candidate: Locator): Promise<string> {
    return (await candidate.getAttribute('data-guard-id')) ?? '';
  }

  /** Enter on the candidate the picker focused (D in the queue focuses the best one): sends him. */
  async dispatchFocusedCandidate(): Promise<void> {
    await this.page.keyboard.press('Enter');
  }

  /** The guard sent to this alarm, with his duty as an attribute. */
  assignedGuard(guardId: string): Locator {
    return this.detail.locator(`[data-testid="assigned-guard"][data-guard-id="${guardId}"]`);
  }

  /** The guard confirmed on the radio that he is there. */
  async markArrived(guardId: string): Promise<void> {
    await this.assignedGuard(guardId).getByTestId('guard-arrived').click();
  }

  async startSuggestedPlaybook(): Promise<void> {
    await this.root.getByTestId('playbook-start').click();
  }

  async downloadReport(): Promise<Download> {
    return this.download(this.root.getByTestId('incident-report'));
  }

  async close(): Promise<void> {
    await this.root.getByTestId('alarm-detail-close').click();
  }
}

/** A running playbook: the checklist of steps, each with its status as an attribute, and the current step's buttons. */
export class PlaybookRun extends PageObject {
  readonly root = this.testId('incident-panel').getByTestId('playbook-run');
  readonly guardOptions = this.testId('guard-option');
  readonly skipButton = this.testId('skip-submit');
  readonly finished = this.root.getByTestId('playbook-finished');
  readonly calls = this.root.getByTestId('run-calls');
  readonly callCard = new CallCard(this.page);

  step(stepId: string): Locator {
    return this.root.locator(`[data-testid=playbook-step][data-step-id="${stepId}"]`);
  }

  /** Records the current step as done. */
  async done(): Promise<void> {
    await this.root.getByTestId('step-done').click();
  }

  /** The same with the keyboard: Enter on the focused checklist. */
  async doneByKeyboard(): Promise<void> {
    await this.root.focus();
    await this.page.keyboard.press('Enter');
  }

  /** Answers the current question step with yes. */
  async yes(): Promise<void> {
    await this.root.getByTestId('step-yes').click();
  }

  async takeSnapshot(): Promise<void> {
    await this.root.getByTestId('step-snapshot').click();
  }

  async note(text: string): Promise<void> {
    await this.root.getByTestId('step-note').fill(text);
  }

  /** Opens the guard picker of the current step (nearest free guard first). */
  async pickGuard(): Promise<void> {
    await this.root.getByTestId('step-guard').click();
  }

  /** The guard's name, as the option shows it before the distance and walking time. */
  async guardName(option: Locator): Promise<string> {
    return ((await option.textContent()) ?? '').split(' · ')[0] ?? '';
  }

  /** Sends the guard of `option` (from the picker) and records the step. */
  async dispatch(option: Locator): Promise<void> {
    await option.click();
    await this.root.getByTestId('step-dispatch').click();
  }

  /** Opens the skip dialog of the current step; `confirmSkip` gives the reason it needs. */
  async skip(): Promise<void> {
    await this.root.getByTestId('step-skip').click();
  }

  async confirmSkip(reason: string): Promise<void> {
    await this.testId('skip-reason').fill(reason);
    await this.skipButton.click();
  }

  /** Opens the call card of the current call step. */
  async call(): Promise<void> {
    await this.root.getByTestId('step-call').click();
  }
}

/** The call card: the number in large type, the script to read, and the call's record. */
export class CallCard extends PageObject {
  readonly root = this.testId('call-card');
  readonly number = this.root.getByTestId('call-number');
  readonly script = this.root.getByTestId('call-script');
  readonly dial = this.root.getByTestId('call-dial');
  readonly simulated = this.root.getByTestId('call-simulated');

  /** Records the call (with what was said, if given). */
  async record(note?: string): Promise<void> {
    if (note !== undefined) await this.root.getByTestId('call-note').fill(note);
    await this.root.getByTestId('call-record').click();
  }
}

/** Drills: scheduled by a supervisor, started, roll-called, finished with findings, reported. */
export class DrillsDialog extends PageObject {
  readonly root = this.testId('drills-dialog');
  readonly reminder = this.testId('drill-reminder');

  async open(): Promise<void> {
    await this.testId('open-drills').click();
  }

  row(title: string): Locator {
    return this.root.getByTestId('drill-row').filter({ hasText: title });
  }

  /** Schedules a drill at `when` (the form takes local time) at the place picked by `place`. */
  async schedule(drill: {
    title: string;
    when: Date;
    place: RegExp;
    participants: string;
    objectives: string;
  }): Promise<void> {
    await this.testId('drill-title').fill(drill.title);
    const local = new Date(drill.when.getTime() - drill.when.getTimezoneOffset() * 60_000);
    await this.testId('drill-when').fill(local.toISOString().slice(0, 16));
    await this.root.getByRole('combobox').nth(1).click();
    await this.page.getByRole('option', { name: drill.place }).click();
    await this.testId('drill-participants').fill(drill.participants);
    await this.testId('drill-objectives').fill(drill.objectives);
    await this.testId('drill-schedule-submit').click();
  }

  async start(row: Locator): Promise<void> {
    await row.getByTestId('drill-start').click();
  }

  /** A participant's roll-call box (ticked = present). */
  rollCall(name: string): Locator {
    return this.testId(`rollcall-${name}`);
  }

  /** Ends the drill with what was observed and one follow-up action. */
  async finish(findings: {
    observations: string;
    action: { text: string; owner: string; due: string };
  }): Promise<void> {
    await this.testId('drill-observations').fill(findings.observations);
    await this.testId('action-add').click();
    await this.testId('action-text').fill(findings.action.text);
    await this.testId('action-owner').fill(findings.action.owner);
    await this.testId('action-due').fill(findings.action.due);
    await this.testId('drill-finish').click();
  }

  async downloadReport(row: Locator): Promise<Download> {
    return this.download(row.getByTestId('drill-report'));
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: '关闭' }).click();
  }
}
