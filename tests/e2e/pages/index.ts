/**
 * Page objects: what a spec can see and do in the console, by area. They find elements and act on them (click,
 * press keys, fill forms, open dialogs) and never assert: what must hold is the spec's to say.
 */
import type { Page } from '@playwright/test';
import { AlarmQueue, ManualAlarmDialog, ResolveDialog } from './alarm-queue';
import { AlarmMonitor, CameraWall } from './camera-wall';
import { DutyLog, Handover } from './duty';
import { FacilitiesView } from './facilities';
import { DrillsDialog, IncidentPanel } from './incident-panel';
import { LockScreen, OnDuty, OperatorsDialog, SignInForm } from './operators';
import { EquipmentDialog, HubDeadLettersDialog, Shell } from './shell';
import { PostsDesk } from './posts';
import { RoundsView } from './rounds';
import { GuardList, PhonesDialog, ReplayBar, SiteMap } from './site-map';
import { TrainingView } from './training';
import { GateDeskPanel, ViolationsDesk } from './vehicles';

export * from './alarm-queue';
export * from './camera-wall';
export * from './duty';
export * from './facilities';
export * from './incident-panel';
export * from './layout';
export * from './operators';
export * from './posts';
export * from './rounds';
export * from './reports';
export * from './shell';
export * from './site-map';
export * from './training';
export * from './vehicles';

/** The whole console window as one page object (the `ui` fixture). */
export class ConsoleUi {
  readonly shell: Shell;
  readonly deadLetters: HubDeadLettersDialog;
  readonly equipment: EquipmentDialog;
  readonly signInForm: SignInForm;
  readonly operators: OperatorsDialog;
  readonly onDuty: OnDuty;
  readonly lockScreen: LockScreen;
  readonly wall: CameraWall;
  readonly monitor: AlarmMonitor;
  readonly queue: AlarmQueue;
  readonly manualAlarm: ManualAlarmDialog;
  readonly resolveDialog: ResolveDialog;
  readonly incident: IncidentPanel;
  readonly drills: DrillsDialog;
  readonly map: SiteMap;
  readonly guards: GuardList;
  readonly replay: ReplayBar;
  readonly phones: PhonesDialog;
  readonly dutyLog: DutyLog;
  readonly handover: Handover;
  readonly facilities: FacilitiesView;
  readonly gateDesk: GateDeskPanel;
  readonly rounds: RoundsView;
  readonly violations: ViolationsDesk;
  readonly training: TrainingView;
  readonly posts: PostsDesk;

  constructor(readonly page: Page) {
    this.shell = new Shell(page);
    this.deadLetters = new HubDeadLettersDialog(page);
    this.equipment = new EquipmentDialog(page);
    this.signInForm = new SignInForm(page);
    this.operators = new OperatorsDialog(page);
    this.onDuty = new OnDuty(page);
    this.lockScreen = new LockScreen(page);
    this.wall = new CameraWall(page);
    this.monitor = new AlarmMonitor(page);
    this.queue = new AlarmQueue(page);
    this.manualAlarm = new ManualAlarmDialog(page);
    this.resolveDialog = new ResolveDialog(page);
    this.incident = new IncidentPanel(page);
    this.drills = new DrillsDialog(page);
    this.map = new SiteMap(page);
    this.guards = new GuardList(page);
    this.replay = new ReplayBar(page);
    this.phones = new PhonesDialog(page);
    this.dutyLog = new DutyLog(page);
    this.handover = new Handover(page);
    this.facilities = new FacilitiesView(page);
    this.gateDesk = new GateDeskPanel(page);
    this.rounds = new RoundsView(page);
    this.violations = new ViolationsDesk(page);
    this.training = new TrainingView(page);
    this.posts = new PostsDesk(page);
  }
}
