/**
 * Just enough H.264 (ITU-T H.264 §7.3) to pass a camera's pictures to the browser's decoder untouched: split an
 * access unit into NAL units, tell an IDR, and read the sequence parameter set for the codec string WebCodecs
 * is configured with (`avc1.PPCCLL`, RFC 6381 §3.3) and the picture size. Everything read here came from a
 * camera through ffmpeg: every length and count is checked, and a malformed SPS gives undefined, never a throw.
 */

export const NAL_SLICE = 1;
export const NAL_IDR = 5;
export const NAL_SEI = 6;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
export const NAL_AUD = 9;

/** More NAL units than this in one access unit is not a camera's picture (a 4K picture has a few dozen slices). */
export const MAX_NALS_PER_AU = 1024;
/** An SPS is a few dozen bytes; scaling lists make it a few hundred at most. */
const MAX_SPS_BYTES = 1024;
/** Both dimensions of any picture a console shows (8K is 7680×4320). */
export const MAX_DIMENSION = 8192;

/**
 * The NAL units of an Annex-B access unit (start codes removed), at most MAX_NALS_PER_AU of them, or undefined
 * when there are more or the data does not begin with a start code.
 */
export function splitNals(au: Buffer): Buffer[] | undefined {
  const starts: { at: number; payload: number }[] = [];
  let from = 0;
  for (;;) {
    const i = au.indexOf(START3, from);
    if (i === -1) break;
    // A 4-byte start code is a zero followed by a 3-byte one; the zero belongs to neither unit.
    starts.push({ at: i > 0 && au[i - 1] === 0 ? i - 1 : i, payload: i + 3 });
    if (starts.length > MAX_NALS_PER_AU) return undefined;
    from = i + 3;
  }
  if (starts.length === 0 || starts[0]!.at !== 0) return undefined;
  const nals: Buffer[] = [];
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1]!.at : au.length;
    // Trailing zero bytes (trailing_zero_8bits) between units belong to no unit either.
    let stop = end;
    while (stop > starts[k]!.payload && au[stop - 1] === 0) stop--;
    if (stop > starts[k]!.payload) nals.push(au.subarray(starts[k]!.payload, stop));
  }
  return nals;
}
const START3 = Buffer.from([0, 0, 1]);

export function nalType(nal: Buffer): number {
  return (nal[0] ?? 0) & 0x1f;
}

export interface SpsInfo {
  /** `avc1.` + profile_idc, the constraint flags and level_idc, in hex: what VideoDecoder.configure takes. */
  codec: string;
  profile: number;
  level: number;
  width: number;
  height: number;
}

/** The RBSP of a NAL unit: emulation-prevention bytes (00 00 03) removed (§7.4.1). */
function rbsp(nal: Buffer): Buffer {
  const out = Buffer.alloc(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

class Bits {
  private pos = 0;
  constructor(private readonly data: Buffer) {}

  bit(): number {
    const byte = this.data[this.pos >> 3];
    if (byte === undefined) throw new RangeError('past the end of the SPS');
    const v = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return v;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  /** ue(v), §9.1: at most 31 leading zeros (a 32-bit value); more is not H.264. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new RangeError('exp-Golomb code too long');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127) throw new RangeError('delta_scale out of range');
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Reads an SPS NAL unit (with its one-byte header); undefined when it is not one or does not make sense. */
export function parseSps(nal: Buffer): SpsInfo | undefined {
  if (nalType(nal) !== NAL_SPS || nal.length < 4 || nal.length > MAX_SPS_BYTES) return undefined;
  try {
    const r = new Bits(rbsp(nal.subarray(1)));
    const profile = r.bits(8);
    const constraints = r.bits(8);
    const level = r.bits(8);
    if (r.ue() > 31) return undefined; // seq_parameter_set_id
    let chroma = 1;
    let separatePlanes = 0;
    if (HIGH_PROFILES.has(profile)) {
      chroma = r.ue();
      if (chroma > 3) return undefined;
      if (chroma === 3) separatePlanes = r.bit();
      if (r.ue() > 6 || r.ue() > 6) return undefined; // bit depths − 8
      r.bit(); // qpprime_y_zero_transform_bypass_flag
      if (r.bit()) {
        for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
    if (r.ue() > 12) return undefined; // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) {
      if (r.ue() > 12) return undefined;
    } else if (pocType === 1) {
      r.bit();
      r.se();
      r.se();
      const cycle = r.ue();
      if (cycle > 255) return undefined;
      for (let i = 0; i < cycle; i++) r.se();
    } else if (pocType !== 2) return undefined;
    r.ue(); // max_num_ref_frames
    r.bit(); // gaps_in_frame_num_value_allowed_flag
    const widthMbs = r.ue() + 1;
    const heightUnits = r.ue() + 1;
    const frameMbsOnly = r.bit();
    if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
    r.bit(); // direct_8x8_inference_flag
    let crop = [0, 0, 0, 0];
    if (r.bit()) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
    // §7.4.2.1.1: the crop is counted in chroma samples (and in field pairs for interlaced pictures).
    const monochrome = chroma === 0 || separatePlanes === 1;
    const cropX = monochrome ? 1 : chroma === 3 ? 1 : 2;
    const cropY = (monochrome ? 1 : chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    const width = widthMbs * 16 - cropX * (crop[0]! + crop[1]!);
    const height = (2 - frameMbsOnly) * heightUnits * 16 - cropY * (crop[2]! + crop[3]!);
    if (width < 16 || height < 16 || width > MAX_DIMENSION || height > MAX_DIMENSION) return undefined;
    return {
      codec: `avc1.${hex2(profile)}${hex2(constraints)}${hex2(level)}`,
      profile,
      level,
      width,
      height,
    };
  } catch {
    return undefined;
  }
}
