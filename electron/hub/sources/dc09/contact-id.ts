/**
 * Contact ID (SIA DC-05) as carried in ADM-CID: `[#ACCT|]QEEE GG ZZZ` — qualifier, event code, partition, zone
 * (or user). The shipped table says what each code means to the console; a site overrides it per code
 * (`codeOverrides` in the source's config). Codes not in the table are "unknown" and still reported.
 */
import type { AlarmType } from '../../../../shared/domain/alarm';

/**
 * What a code does: `alarm` opens an alarm of `type` (its restore closes it); `fault` sets the device's state to
 * fault (its restore back to ok); `event` is logged and changes nothing; `alive` only proves the panel is there.
 */
export type CodeAction =
  { kind: 'alarm'; type: AlarmType } | { kind: 'fault' } | { kind: 'event' } | { kind: 'alive' };

/** What ZZZ (or a SIA address) numbers: a zone (a device of the panel), a user, or nothing (the panel itself). */
export type CodeScope = 'zone' | 'user' | 'panel';

export interface CodeEntry {
  action: CodeAction;
  scope: CodeScope;
  zh: string;
  en: string;
  /** Open/close codes: Q=1 is an opening (disarmed), Q=3 a closing (armed). */
  arming?: boolean;
}

/** A site's replacement for a table entry; names and scope default to the shipped entry's. */
export interface CodeOverride {
  action: CodeAction;
  scope?: CodeScope;
  zh?: string;
  en?: string;
}

const A = (type: AlarmType): CodeAction => ({ kind: 'alarm', type });
const F: CodeAction = { kind: 'fault' };
const E: CodeAction = { kind: 'event' };
const L: CodeAction = { kind: 'alive' };
const z = 'zone' as const;
const u = 'user' as const;
const p = 'panel' as const;
const FF = A('fire_facility_fault');
const ARM = true;

type Row = [code: string, action: CodeAction, scope: CodeScope, zh: string, en: string, arming?: boolean];

/*
 * The console has no medical, panic or tamper type: medical and panic codes raise guard_sos (a person needs help
 * now, priority 1, which no source may lower), tamper codes raise intrusion. The alarm detail shows the code's
 * own name, so the operator still reads "duress" or "sensor tamper".
 */
const ROWS: Row[] = [
  ['100', A('guard_sos'), z, '医疗求助', 'Medical'],
  ['101', A('guard_sos'), z, '个人紧急求助', 'Personal emergency'],
  ['102', A('guard_sos'), z, '未按时报到', 'Fail to report in'],
  ['110', A('fire'), z, '火警', 'Fire'],
  ['111', A('smoke'), z, '感烟火警', 'Smoke'],
  ['112', A('fire'), z, '燃烧报警', 'Combustion'],
  ['113', A('fire'), z, '喷淋水流报警', 'Sprinkler water flow'],
  ['114', A('fire'), z, '感温火警', 'Heat'],
  ['115', A('fire'), z, '手动报警按钮', 'Pull station'],
  ['116', A('smoke'), z, '风管感烟火警', 'Duct smoke'],
  ['117', A('fire'), z, '火焰探测报警', 'Flame'],
  ['118', A('fire'), z, '火警预警', 'Near alarm (fire)'],
  ['120', A('guard_sos'), z, '紧急求助', 'Panic'],
  ['121', A('guard_sos'), u, '胁迫报警', 'Duress'],
  ['122', A('guard_sos'), z, '无声紧急报警', 'Silent panic'],
  ['123', A('guard_sos'), z, '有声紧急报警', 'Audible panic'],
  ['124', A('guard_sos'), z, '胁迫开门', 'Duress, access granted'],
  ['125', A('guard_sos'), z, '胁迫出门', 'Duress, egress granted'],
  ['126', A('guard_sos'), u, '疑似抢劫', 'Hold-up suspicion'],
  ['130', A('intrusion'), z, '入侵报警', 'Burglary'],
  ['131', A('intrusion'), z, '周界入侵', 'Perimeter'],
  ['132', A('intrusion'), z, '室内入侵', 'Interior'],
  ['133', A('intrusion'), z, '24小时防区报警', '24-hour (safe)'],
  ['134', A('intrusion'), z, '出入口防区报警', 'Entry/exit'],
  ['135', A('intrusion'), z, '日夜防区报警', 'Day/night'],
  ['136', A('intrusion'), z, '室外防区报警', 'Outdoor'],
  ['137', A('intrusion'), z, '防拆报警', 'Tamper'],
  ['138', E, z, '入侵预警', 'Near alarm (burglary)'],
  ['139', A('intrusion'), z, '入侵已复核', 'Intrusion verifier'],
  ['140', A('intrusion'), z, '通用报警', 'General alarm'],
  ['141', F, z, '总线回路开路', 'Polling loop open'],
  ['142', F, z, '总线回路短路', 'Polling loop short'],
  ['143', F, z, '扩展模块故障', 'Expansion module failure'],
  ['144', A('intrusion'), z, '探测器防拆', 'Sensor tamper'],
  ['145', A('intrusion'), z, '扩展模块防拆', 'Expansion module tamper'],
  ['146', A('intrusion'), z, '无声入侵报警', 'Silent burglary'],
  ['147', F, z, '探测器监控失败', 'Sensor supervision failure'],
  ['150', A('manual'), z, '24小时非入侵报警', '24-hour non-burglary'],
  ['151', A('gas'), z, '燃气泄漏', 'Gas detected'],
  ['152', A('manual'), z, '冷藏报警', 'Refrigeration'],
  ['153', A('manual'), z, '供暖中断', 'Loss of heat'],
  ['154', A('water_leak'), z, '漏水', 'Water leakage'],
  ['155', A('intrusion'), z, '玻璃贴箔破损', 'Foil break'],
  ['156', F, z, '日间故障', 'Day trouble'],
  ['157', F, z, '瓶装燃气不足', 'Low bottled gas level'],
  ['158', A('manual'), z, '温度过高', 'High temperature'],
  ['159', A('manual'), z, '温度过低', 'Low temperature'],
  ['161', F, z, '风量不足', 'Loss of air flow'],
  ['162', A('gas'), z, '一氧化碳报警', 'Carbon monoxide detected'],
  ['163', F, z, '水箱液位异常', 'Tank level'],
  ['200', FF, z, '消防监管报警', 'Fire supervisory'],
  ['201', FF, z, '消防水压低', 'Low water pressure'],
  ['202', FF, z, '二氧化碳不足', 'Low CO2'],
  ['203', FF, z, '闸阀传感器', 'Gate valve sensor'],
  ['204', FF, z, '消防水位低', 'Low water level'],
  ['205', FF, z, '消防泵启动', 'Pump activated'],
  ['206', FF, z, '消防泵故障', 'Pump failure'],
  ['210', FF, z, '消防监管(厂商扩展)', 'Supervisory (vendor extension)'],
  ['300', F, p, '系统故障', 'System trouble'],
  ['301', F, p, '交流电源断电', 'AC loss'],
  ['302', F, p, '系统电池电压低', 'Low system battery'],
  ['303', F, p, 'RAM 校验错误', 'RAM checksum bad'],
  ['304', F, p, 'ROM 校验错误', 'ROM checksum bad'],
  ['305', E, p, '系统复位', 'System reset'],
  ['306', E, p, '主机编程已更改', 'Panel programming changed'],
  ['307', F, p, '自检失败', 'Self-test failure'],
  ['308', F, p, '系统关机', 'System shutdown'],
  ['309', F, p, '电池测试失败', 'Battery test failure'],
  ['310', F, p, '接地故障', 'Ground fault'],
  ['311', F, p, '电池缺失或失效', 'Battery missing/dead'],
  ['312', F, p, '电源过流', 'Power supply overcurrent'],
  ['313', E, u, '工程师复位', 'Engineer reset'],
  ['314', F, p, '主电源故障', 'Primary power supply failure'],
  ['320', F, p, '警号或继电器故障', 'Sounder/relay trouble'],
  ['321', F, p, '警铃 1 故障', 'Bell 1 trouble'],
  ['322', F, p, '警铃 2 故障', 'Bell 2 trouble'],
  ['323', F, p, '报警继电器故障', 'Alarm relay trouble'],
  ['324', F, p, '故障继电器故障', 'Trouble relay trouble'],
  ['325', F, p, '反转继电器故障', 'Reversing relay trouble'],
  ['326', FF, p, '声光报警回路 3 故障', 'Notification appliance circuit 3'],
  ['327', FF, p, '声光报警回路 4 故障', 'Notification appliance circuit 4'],
  ['330', F, z, '外设故障', 'System peripheral trouble'],
  ['331', F, z, '总线回路开路', 'Polling loop open'],
  ['332', F, z, '总线回路短路', 'Polling loop short'],
  ['333', F, z, '扩展模块故障', 'Expansion module failure'],
  ['334', F, z, '中继器故障', 'Repeater failure'],
  ['335', F, p, '本地打印机缺纸', 'Local printer out of paper'],
  ['336', F, p, '本地打印机故障', 'Local printer failure'],
  ['337', F, z, '扩展模块直流断电', 'Expansion module DC loss'],
  ['338', F, z, '扩展模块电池电压低', 'Expansion module low battery'],
  ['339', E, z, '扩展模块复位', 'Expansion module reset'],
  ['341', F, z, '扩展模块防拆故障', 'Expansion module tamper'],
  ['342', F, z, '扩展模块交流断电', 'Expansion module AC loss'],
  ['343', F, z, '扩展模块自检失败', 'Expansion module self-test failure'],
  ['344', F, p, '无线接收受到干扰', 'RF receiver jam detected'],
  ['350', F, p, '通信故障', 'Communication trouble'],
  ['351', F, p, '电话线 1 故障', 'Telco 1 fault'],
  ['352', F, p, '电话线 2 故障', 'Telco 2 fault'],
  ['353', F, p, '远程无线发射机故障', 'Long-range radio transmitter fault'],
  ['354', F, p, '事件发送失败', 'Failure to communicate event'],
  ['355', F, p, '无线监控丢失', 'Loss of radio supervision'],
  ['356', F, p, '中心轮询丢失', 'Loss of central polling'],
  ['357', F, p, '远程无线驻波比异常', 'Long-range radio VSWR problem'],
  ['370', F, z, '防护回路故障', 'Protection loop trouble'],
  ['371', F, z, '防护回路开路', 'Protection loop open'],
  ['372', F, z, '防护回路短路', 'Protection loop short'],
  ['373', FF, z, '消防故障', 'Fire trouble'],
  ['374', A('intrusion'), z, '退出延时错误报警', 'Exit error alarm (zone)'],
  ['375', F, z, '紧急防区故障', 'Panic zone trouble'],
  ['376', F, z, '抢劫防区故障', 'Hold-up zone trouble'],
  ['377', F, z, '防区频繁触发', 'Swinger trouble'],
  ['378', F, z, '交叉防区故障', 'Cross-zone trouble'],
  ['380', F, z, '探测器故障', 'Sensor trouble'],
  ['381', F, z, '无线探测器失联', 'Loss of supervision (RF)'],
  ['382', F, z, '总线探测器失联', 'Loss of supervision (RPM)'],
  ['383', A('intrusion'), z, '探测器防拆', 'Sensor tamper'],
  ['384', F, z, '无线探测器电池电压低', 'RF low battery'],
  ['385', FF, z, '感烟探测器灵敏度过高', 'Smoke detector high sensitivity'],
  ['386', FF, z, '感烟探测器灵敏度过低', 'Smoke detector low sensitivity'],
  ['387', F, z, '入侵探测器灵敏度过高', 'Intrusion detector high sensitivity'],
  ['388', F, z, '入侵探测器灵敏度过低', 'Intrusion detector low sensitivity'],
  ['389', F, z, '探测器自检失败', 'Sensor self-test failure'],
  ['391', F, z, '探测器监视故障', 'Sensor watch trouble'],
  ['392', F, z, '漂移补偿错误', 'Drift compensation error'],
  ['393', F, z, '探测器需要维护', 'Maintenance alert'],
  ['400', E, u, '撤防/布防', 'Open/close', ARM],
  ['401', E, u, '用户撤防/布防', 'Open/close by user', ARM],
  ['402', E, u, '分组撤防/布防', 'Group open/close', ARM],
  ['403', E, u, '自动撤防/布防', 'Automatic open/close', ARM],
  ['404', E, u, '撤防/布防迟到', 'Late to open/close'],
  ['405', E, u, '延后撤防/布防', 'Deferred open/close'],
  ['406', E, u, '取消报警', 'Cancel'],
  ['407', E, u, '远程撤防/布防', 'Remote arm/disarm', ARM],
  ['408', E, u, '快速布防', 'Quick arm', ARM],
  ['409', E, u, '钥匙开关撤防/布防', 'Keyswitch open/close', ARM],
  ['411', E, u, '请求回拨', 'Callback request made'],
  ['412', E, u, '远程下载/访问成功', 'Successful download/access'],
  ['413', E, u, '远程访问失败', 'Unsuccessful access'],
  ['414', E, u, '收到系统关机命令', 'System shutdown command received'],
  ['415', E, u, '收到拨号器关闭命令', 'Dialer shutdown command received'],
  ['416', E, z, '上传成功', 'Successful upload'],
  ['421', E, u, '拒绝通行', 'Access denied'],
  ['422', E, u, '用户通行记录', 'Access report by user'],
  ['423', A('door_forced'), z, '门被强行打开', 'Forced access'],
  ['424', E, u, '拒绝出门', 'Egress denied'],
  ['425', E, u, '允许出门', 'Egress granted'],
  ['426', A('door_held'), z, '门长时间未关', 'Access door propped open'],
  ['427', F, z, '门磁监视故障', 'Door status monitor trouble'],
  ['428', F, z, '出门按钮故障', 'Request-to-exit trouble'],
  ['429', E, u, '进入门禁编程', 'Access program mode entry'],
  ['430', E, u, '退出门禁编程', 'Access program mode exit'],
  ['431', E, u, '门禁威胁级别变更', 'Access threat level change'],
  ['432', F, z, '门禁继电器故障', 'Access relay/trigger fail'],
  ['433', E, z, '出门按钮旁路', 'Access RTE shunt'],
  ['434', E, z, '门磁旁路', 'Access DSM shunt'],
  ['441', E, u, '留守布防', 'Armed stay', ARM],
  ['442', E, u, '钥匙开关留守布防', 'Keyswitch armed stay', ARM],
  ['450', E, u, '异常撤防/布防', 'Exception open/close'],
  ['451', E, u, '提前撤防/布防', 'Early open/close'],
  ['452', E, u, '推迟撤防/布防', 'Late open/close'],
  ['453', E, u, '未按时撤防', 'Failed to open'],
  ['454', E, u, '未按时布防', 'Failed to close'],
  ['455', E, u, '自动布防失败', 'Auto-arm failed'],
  ['456', E, u, '部分布防', 'Partial arm'],
  ['457', E, u, '退出错误(用户)', 'Exit error (user)'],
  ['458', E, u, '用户在场', 'User on premises'],
  ['459', E, u, '刚刚布防', 'Recent close'],
  ['461', E, z, '密码输入错误', 'Wrong code entry'],
  ['462', E, u, '密码输入正确', 'Legal code entry'],
  ['463', E, u, '报警后重新布防', 'Re-arm after alarm'],
  ['464', E, u, '自动布防时间延长', 'Auto-arm time extended'],
  ['465', E, u, '紧急报警复位', 'Panic alarm reset'],
  ['466', E, u, '维修人员进出', 'Service on/off premises'],
  ['520', E, p, '警号/继电器禁用', 'Sounder/relay disable'],
  ['521', E, p, '警铃 1 禁用', 'Bell 1 disable'],
  ['522', E, p, '警铃 2 禁用', 'Bell 2 disable'],
  ['551', E, p, '拨号器禁用', 'Dialer disabled'],
  ['552', E, p, '无线发射机禁用', 'Radio transmitter disabled'],
  ['570', E, z, '防区旁路', 'Zone/sensor bypass'],
  ['571', E, z, '火警防区旁路', 'Fire bypass'],
  ['572', E, z, '24小时防区旁路', '24-hour zone bypass'],
  ['573', E, z, '入侵防区旁路', 'Burglary bypass'],
  ['574', E, u, '分组旁路', 'Group bypass'],
  ['575', E, z, '频繁触发防区旁路', 'Swinger bypass'],
  ['601', E, p, '手动测试报告', 'Manual trigger test report'],
  ['602', L, p, '定期测试报告', 'Periodic test report'],
  ['603', L, p, '定期无线测试', 'Periodic RF transmission'],
  ['604', E, u, '消防测试', 'Fire test'],
  ['605', E, p, '状态报告待续', 'Status report to follow'],
  ['606', E, p, '监听待续', 'Listen-in to follow'],
  ['607', E, u, '步测模式', 'Walk test mode'],
  ['608', F, p, '定期测试(存在故障)', 'Periodic test, system trouble present'],
  ['609', E, p, '视频发射机启用', 'Video transmitter active'],
  ['611', E, z, '测试点正常', 'Point tested OK'],
  ['612', E, z, '测试点未测试', 'Point not tested'],
  ['613', E, z, '入侵防区已步测', 'Intrusion zone walk tested'],
  ['614', E, z, '火警防区已步测', 'Fire zone walk tested'],
  ['615', E, z, '紧急防区已步测', 'Panic zone walk tested'],
  ['616', E, p, '维修请求', 'Service request'],
  ['621', E, p, '事件记录已清除', 'Event log reset'],
  ['622', E, p, '事件记录已满 50%', 'Event log 50% full'],
  ['623', E, p, '事件记录已满 90%', 'Event log 90% full'],
  ['624', E, p, '事件记录溢出', 'Event log overflow'],
  ['625', E, u, '时间/日期已重设', 'Time/date reset'],
  ['626', E, p, '时间/日期不准确', 'Time/date inaccurate'],
  ['627', E, p, '进入编程模式', 'Program mode entry'],
  ['628', E, p, '退出编程模式', 'Program mode exit'],
  ['629', E, p, '32 小时事件记录标记', '32-hour event log marker'],
  ['630', E, p, '时间表变更', 'Schedule change'],
  ['631', E, p, '例外时间表变更', 'Exception schedule change'],
  ['632', E, p, '门禁时间表变更', 'Access schedule change'],
];

/** The shipped Contact ID table, by 3-digit code. */
export const CONTACT_ID_TABLE: ReadonlyMap<string, CodeEntry> = new Map(
  ROWS.map(([code, action, scope, zh, en, arming]) => [
    code,
    { action, scope, zh, en, ...(arming ? { arming } : {}) },
  ]),
);

/** The table entry for a code, a site's override taking precedence; undefined = unknown code. */
export function lookupCode(
  table: ReadonlyMap<string, CodeEntry>,
  code: string,
  ...overrides: Array<Readonly<Record<string, CodeOverride>> | undefined>
): CodeEntry | undefined {
  const shipped = table.get(code);
  for (const o of overrides) {
    const over = o?.[code];
    if (over) {
      return {
        action: over.action,
        scope: over.scope ?? shipped?.scope ?? 'zone',
        zh: over.zh ?? shipped?.zh ?? code,
        en: over.en ?? shipped?.en ?? code,
        ...(shipped?.arming ? { arming: true } : {}),
      };
    }
  }
  return shipped;
}

export interface ContactId {
  /** From a `#ACCT|` prefix inside the data, when the panel repeats it there. */
  account?: string;
  /** 1 new event / opening, 3 restore / closing, 6 still present. */
  qualifier: number;
  /** 3 digits, upper case. */
  code: string;
  partition: string;
  /** ZZZ: a zone, or a user for user-scoped codes. */
  zone: string;
}

const CID = /^(?:#([0-9A-Fa-f]{3,16})\|)?([0-9A-Fa-f])([0-9A-Fa-f]{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$/;

/** Reads `[#ACCT|]QEEE GG ZZZ` (spaces optional). */
export function parseContactId(data: string): { ok: true; cid: ContactId } | { ok: false; reason: string } {
  const m = CID.exec(data.trim());
  if (!m) return { ok: false, reason: `"${data.slice(0, 40)}" is not Contact ID (QEEE GG ZZZ)` };
  return {
    ok: true,
    cid: {
      ...(m[1] !== undefined ? { account: m[1].toUpperCase() } : {}),
      qualifier: parseInt(m[2]!, 16),
      code: m[3]!.toUpperCase(),
      partition: m[4]!.toUpperCase(),
      zone: m[5]!.toUpperCase(),
    },
  };
}

export function formatContactId(cid: Omit<ContactId, 'account'>, account?: string): string {
  const prefix = account !== undefined ? `#${account}|` : '';
  return `${prefix}${cid.qualifier}${cid.code} ${cid.partition} ${cid.zone}`;
}

/** What a message says about its condition: Q=1 new (or opening), Q=3 restore (or closing), Q=6 still present. */
export type Meaning = 'new' | 'restore' | 'repeat';

export function qualifierMeaning(qualifier: number): Meaning | undefined {
  return qualifier === 1 ? 'new' : qualifier === 3 ? 'restore' : qualifier === 6 ? 'repeat' : undefined;
}

export interface Effect {
  kind: 'alarm' | 'restore' | 'state' | 'alive' | 'event';
  type?: AlarmType;
  state?: 'ok' | 'fault';
}

/**
 * The report a code's action and a message's meaning make: an alarm code opens on Q=1 and closes on Q=3, a fault
 * code sets fault and back to ok, events stay events, and "still present" (Q=6) only proves the panel is there.
 */
export function effectOf(action: CodeAction, meaning: Meaning): Effect {
  if (action.kind === 'event') return { kind: 'event' };
  if (action.kind === 'alive' || meaning === 'repeat') return { kind: 'alive' };
  if (action.kind === 'alarm')
    return { kind: meaning === 'restore' ? 'restore' : 'alarm', type: action.type };
  return { kind: 'state', state: meaning === 'restore' ? 'ok' : 'fault' };
}
