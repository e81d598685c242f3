/**
 * The application data unit (应用数据单元) of GB/T 26875.3-2011: 类型标志 (1) + 信息对象数目 (1) + objects.
 *
 * Read here: 1 系统状态, 2 部件运行状态, 3 部件模拟量值, 4 操作信息 (of a building fire facility), 21 用户信息传输装置
 * 运行状态, 24 传输装置操作信息 (its 查岗应答 bit answers the centre's 查岗), 28 传输装置时间. Written here: 90 同步
 * 传输装置时钟 (校时) and 91 查岗, which the centre sends as 控制命令. Other types are kept raw. Object sizes come from
 * the open codecs (the standard's text was not at hand); a unit whose count does not fit its length is read as
 * far as whole objects go, and the rest is named in `problem`.
 */
import { TextDecoder } from 'node:util';

export const ADU = {
  systemState: 1,
  componentState: 2,
  componentAnalog: 3,
  systemOperation: 4,
  transmitterState: 21,
  transmitterOperation: 24,
  transmitterTime: 28,
  syncTime: 90,
  inspect: 91,
} as const;

/** Bytes of one object of each type this module reads. */
const OBJECT_SIZE: Readonly<Record<number, number>> = {
  1: 10,
  2: 46,
  3: 16,
  4: 10,
  21: 7,
  24: 8,
  28: 6,
  90: 6,
  91: 1,
};

/** 部件说明: 31 bytes of GB18030, NUL-padded. */
export const DESCRIPTION_BYTES = 31;

export interface SystemState {
  type: 1;
  systemType: number;
  systemAddress: number;
  state: number;
  time: Uint8Array;
}

export interface ComponentState {
  type: 2;
  systemType: number;
  systemAddress: number;
  componentType: number;
  /** 4 bytes, little-endian. */
  componentAddress: number;
  state: number;
  description: string;
  time: Uint8Array;
}

export interface ComponentAnalog {
  type: 3;
  systemType: number;
  systemAddress: number;
  componentType: number;
  componentAddress: number;
  analogType: number;
  /** Signed 16-bit as sent; its unit and scale depend on `analogType`. */
  value: number;
  time: Uint8Array;
}

export interface SystemOperation {
  type: 4;
  systemType: number;
  systemAddress: number;
  /** Flags: 复位, 消音, 手动报警, 警情消除, 自检, 确认, 测试 (bits 0–6). */
  operation: number;
  operator: number;
  time: Uint8Array;
}

export interface TransmitterState {
  type: 21;
  /** Flags: 正常/测试, 火警, 故障, 主电故障, 备电故障, 通信信道故障, 监测连接线路故障 (bits 0–6). */
  state: number;
  time: Uint8Array;
}

export interface TransmitterOperation {
  type: 24;
  /** Flags: 复位, 消音, 手动报警, 警情消除, 自检, 查岗应答, 测试 (bits 0–6). */
  operation: number;
  operator: number;
  time: Uint8Array;
}

export interface TransmitterTime {
  type: 28;
  time: Uint8Array;
}

export interface SyncTime {
  type: 90;
  time: Uint8Array;
}

export interface Inspect {
  type: 91;
  /** Minutes the person on duty has to answer. */
  timeoutMin: number;
}

export type AduObject =
  | SystemState
  | ComponentState
  | ComponentAnalog
  | SystemOperation
  | TransmitterState
  | TransmitterOperation
  | TransmitterTime
  | SyncTime
  | Inspect;

export interface AppData {
  type: number;
  /** The count the unit declares. */
  count: number;
  /** The objects read, each with its own bytes (for de-duplication keys). */
  objects: { object: AduObject; raw: Uint8Array }[];
  /** Why not every declared object was read (a type not read here, a count that does not fit the length). */
  problem?: string;
}

let gb18030: TextDecoder | undefined;

/**
 * 部件说明 as text: cut at the first NUL, vendor padding (spaces, 0xFF) dropped, invalid sequences replaced,
 * control characters made spaces.
 */
export function decodeDescription(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0xff || bytes[end - 1] === 0x20)) end--;
  // Control characters would reach the operator's screen and logs as they are. GB18030 never uses bytes below
  // 0x30 nor 0x7F inside a multi-byte character, so they can be blanked before decoding.
  const text = Uint8Array.from(bytes.subarray(0, end), (b) => (b < 0x20 || b === 0x7f ? 0x20 : b));
  gb18030 ??= new TextDecoder('gb18030');
  return gb18030.decode(text).trim();
}

export function decodeAppData(bytes: Uint8Array): AppData | undefined {
  if (bytes.length === 0) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const type = buf[0] ?? 0;
  const count = buf[1] ?? 0;
  if (buf.length < 2) return { type, count: 0, objects: [], problem: 'a unit of one byte: no object count' };
  const size = OBJECT_SIZE[type];
  if (size === undefined) {
    return {
      type,
      count,
      objects: [],
      problem: `type ${type} is not read here (${buf.length - 2} bytes kept raw)`,
    };
  }
  const fits = Math.floor((buf.length - 2) / size);
  const n = Math.min(count, fits);
  const objects: AppData['objects'] = [];
  for (let i = 0; i < n; i++) {
    const at = 2 + i * size;
    const raw = buf.subarray(at, at + size);
    objects.push({ object: readObject(type, Buffer.from(raw)), raw: Uint8Array.from(raw) });
  }
  const declared = 2 + count * size;
  let problem: string | undefined;
  if (count > fits)
    problem = `declares ${count} objects of ${size} bytes, ${buf.length - 2} bytes hold ${fits}`;
  else if (declared !== buf.length)
    problem = `${buf.length - declared} bytes after the ${count} declared objects`;
  return problem === undefined ? { type, count, objects } : { type, count, objects, problem };
}

function readObject(type: number, b: Buffer): AduObject {
  switch (type) {
    case 1:
      return {
        type: 1,
        systemType: b.readUInt8(0),
        systemAddress: b.readUInt8(1),
        state: b.readUInt16LE(2),
        time: b.subarray(4, 10),
      };
    case 2:
      return {
        type: 2,
        systemType: b.readUInt8(0),
        systemAddress: b.readUInt8(1),
        componentType: b.readUInt8(2),
        componentAddress: b.readUInt32LE(3),
        state: b.readUInt16LE(7),
        description: decodeDescription(b.subarray(9, 9 + DESCRIPTION_BYTES)),
        time: b.subarray(40, 46),
      };
    case 3:
      return {
        type: 3,
        systemType: b.readUInt8(0),
        systemAddress: b.readUInt8(1),
        componentType: b.readUInt8(2),
        componentAddress: b.readUInt32LE(3),
        analogType: b.readUInt8(7),
        value: b.readInt16LE(8),
        time: b.subarray(10, 16),
      };
    case 4:
      return {
        type: 4,
        systemType: b.readUInt8(0),
        systemAddress: b.readUInt8(1),
        operation: b.readUInt8(2),
        operator: b.readUInt8(3),
        time: b.subarray(4, 10),
      };
    case 21:
      return { type: 21, state: b.readUInt8(0), time: b.subarray(1, 7) };
    case 24:
      return { type: 24, operation: b.readUInt8(0), operator: b.readUInt8(1), time: b.subarray(2, 8) };
    case 28:
      return { type: 28, time: b.subarray(0, 6) };
    case 90:
      return { type: 90, time: b.subarray(0, 6) };
    default:
      return { type: 91, timeoutMin: b.readUInt8(0) };
  }
}

/** 校时: the centre's clock for the transmitter, in the transmitter's time format. */
export function encodeSyncTime(time: Uint8Array): Uint8Array {
  return Uint8Array.from([ADU.syncTime, 1, ...time]);
}

/** 查岗: the person on duty has `timeoutMin` minutes to press the transmitter's 查岗应答 key. */
export function encodeInspect(timeoutMin: number): Uint8Array {
  return Uint8Array.from([ADU.inspect, 1, Math.max(1, Math.min(255, Math.round(timeoutMin)))]);
}
