import type { OperatorView, SessionEndReason } from '../../../shared/contract';
import type { Carrier, Session } from '../router/router';
import type { IdGenerator } from '../util/ids';
import type { Consumed, ResumeTokens } from './tokens';

export interface OpenOptions {
  /** Where the calls come from (default: the carrier's name; the web host passes the peer's address). */
  source?: string | undefined;
  /** Sends an event to this one session (the carrier's own channel to its window). */
  push?: Session['push'];
}

/**
 * Every open session (IPC window, browser tab, test client) with the resume token it holds now, so the core can
 * end an account's sessions at once, keep a connected window's token from expiring, and keep its lock screen in
 * the token across reloads.
 */
export class LiveSessions {
  private readonly live = new Map<Session, string | undefined>();

  constructor(private readonly o: { ids: IdGenerator; tokens: ResumeTokens }) {}

  open(carrier: Carrier, operator: OperatorView | null = null, options: OpenOptions = {}): Session {
    const session: Session = {
      id: this.o.ids(),
      carrier,
      operator,
      source: options.source ?? carrier,
      locked: false,
      ...(options.push ? { push: options.push } : {}),
    };
    this.live.set(session, undefined);
    return session;
  }

  /** The carrier's link is gone (window closed, socket dropped); its token stays for a reload to resume with. */
  close(session: Session): void {
    this.live.delete(session);
  }

  /** Signs the session in (unlocked) with a fresh token; the token it held before no longer signs anyone in. */
  async signIn(session: Session, operator: OperatorView): Promise<string> {
    const previous = this.live.get(session);
    const { token, hash } = await this.o.tokens.issue(operator.id);
    if (previous) await this.o.tokens.drop(previous);
    session.operator = operator;
    session.locked = false;
    this.track(session, hash);
    return token;
  }

  /** Signs the session back in with a token (used up); its lock screen comes back with it. */
  async resume(session: Session, token: string): Promise<Consumed | undefined> {
    const used = await this.o.tokens.consume(token);
    if (!used || 'ended' in used) return used;
    const previous = this.live.get(session);
    if (previous) await this.o.tokens.drop(previous);
    session.operator = used.operator;
    session.locked = used.locked;
    this.track(session, used.hash);
    return used;
  }

  async setLocked(session: Session, locked: boolean): Promise<void> {
    session.locked = locked;
    const hash = this.live.get(session);
    if (hash) await this.o.tokens.setLocked(hash, locked);
  }

  /** This session signs out: its token goes, it is signed out and unlocked. */
  async signOut(session: Session): Promise<void> {
    const hash = this.live.get(session);
    if (hash) await this.o.tokens.drop(hash);
    session.operator = null;
    session.locked = false;
    this.track(session, undefined);
  }

  /**
   * Ends the open sessions of an operator at once (the caller revokes the tokens in the same step): each is
   * signed out and its window told why. `except`: the session that asked (it knows).
   */
  end(operatorId: string, reason: SessionEndReason, except?: Session): number {
    let ended = 0;
    for (const session of this.live.keys()) {
      if (session.operator?.id !== operatorId || session === except) continue;
      session.operator = null;
      session.locked = false;
      this.track(session, undefined);
      session.push?.('session.ended', { reason });
      ended++;
    }
    return ended;
  }

  /**
   * The operator is signed out of every window (sign-out, handing the shift over): no token of theirs signs
   * anyone in, and their other open windows show the sign-in screen.
   */
  async signOutEverywhere(operatorId: string, except?: Session): Promise<void> {
    await this.o.tokens.revokeOperator(operatorId, 'signed_out');
    this.end(operatorId, 'signed_out', except);
  }

  /** A new name for a signed-in operator shows (and is audited) at once in the open sessions. */
  renamed(operator: OperatorView): void {
    for (const session of this.live.keys()) {
      if (session.operator?.id === operator.id && session.operator.role === operator.role)
        session.operator = operator;
    }
  }

  /** Tokens of connected, signed-in sessions: these windows are not idle. */
  heldTokens(): string[] {
    const hashes: string[] = [];
    for (const [session, hash] of this.live) if (session.operator && hash) hashes.push(hash);
    return hashes;
  }

  private track(session: Session, hash: string | undefined): void {
    // A call answered after its window closed must not bring the session back (its token would never idle out).
    if (this.live.has(session)) this.live.set(session, hash);
  }
}
