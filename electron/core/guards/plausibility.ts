import type { GuardPosition } from '../../../shared/contract';
import { distanceM, type LatLon } from '../../../shared/domain/geo';

/** Jump checks look back this far at most; after a longer silence anyone may have driven anywhere. */
const JUMP_WINDOW_MS = 10 * 60_000;
/** Consecutive flagged jumps that agree with each other: the phone really is there now. */
const JUMP_REANCHOR = 3;

export interface PlausibilitySettings {
  /** A phone fix implying a faster move than this is flagged. */
  maxSpeedMps: number;
  /** Phone fixes older / newer than now by more than these are flagged: a wrong clock or a replay. */
  flagPastMs: number;
  flagFutureMs: number;
}

/**
 * Whether a phone's fix is believed: not too far from now, and not a jump faster than a person moves from the
 * last believed fix of the same phone (a phone is checked against itself, not the hub's tracker). A run of
 * jumps that agree with each other re-anchors: the phone really is there now.
 */
export class PhoneFixCheck {
  /** The last believed fix from a phone, per guard. */
  private readonly lastPhone = new Map<string, GuardPosition>();
  private readonly jumps = new Map<
    string,
    { position: LatLon; at: number; accuracy: number; count: number }
  >();

  constructor(private readonly settings: PlausibilitySettings) {}

  /** Why a phone fix is not believed, or undefined when it is. Remembers runs of consistent jumps. */
  judge(p: GuardPosition, now: number): 'jump' | 'time' | undefined {
    if (p.at < now - this.settings.flagPastMs || p.at > now + this.settings.flagFutureMs) return 'time';
    const previous = this.lastPhone.get(p.guardId);
    if (!previous || p.at <= previous.at || p.at - previous.at > JUMP_WINDOW_MS) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    if (this.plausibleMove(previous.position, previous.at, previous.accuracy ?? 0, p)) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    // Far from the last believed fix: believe it only once a few fixes in a row agree with each other.
    const run = this.jumps.get(p.guardId);
    const count =
      run && p.at > run.at && this.plausibleMove(run.position, run.at, run.accuracy, p) ? run.count + 1 : 1;
    if (count >= JUMP_REANCHOR) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    this.jumps.set(p.guardId, { position: p.position, at: p.at, accuracy: p.accuracy ?? 0, count });
    return 'jump';
  }

  /** A believed fix, stored: the next ones are judged from it unless it is older than the one held. */
  believe(p: GuardPosition): void {
    const believed = this.lastPhone.get(p.guardId);
    if (!believed || p.at > believed.at) this.lastPhone.set(p.guardId, p);
  }

  private plausibleMove(from: LatLon, fromAt: number, fromAccuracy: number, p: GuardPosition): boolean {
    // GPS error of both fixes (capped: a phone may claim any accuracy) and a little slack are not movement.
    const slack = Math.min(fromAccuracy, 100) + Math.min(p.accuracy ?? 0, 100) + 20;
    const moved = Math.max(0, distanceM(from, p.position) - slack);
    const seconds = Math.max(1, (p.at - fromAt) / 1000);
    return moved / seconds <= this.settings.maxSpeedMps;
  }
}
