import type { LocalizedText } from '../../../shared/domain/text';
import { COMMON_PASSWORDS } from './common-passwords';

export type PasswordProblem = 'password_common' | 'password_personal';

/** Letters only at both ends: `Admin@2024` → `admin`, `李明123` → `李明`, `li-pass-123` → `li-pass`. */
const core = (p: string) => p.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
/** Letters and digits only: `Cuihu Garden` → `cuihugarden`. */
const compact = (p: string) => p.replace(/[^\p{L}\p{N}]/gu, '');

/** `11111111`, `abcabcab`, `12121212`: one to three characters over and over. */
function repeats(p: string): boolean {
  for (let unit = 1; unit <= 3; unit++) {
    if (
      p.length >= unit * 2 &&
      p ===
        p
          .slice(0, unit)
          .repeat(Math.ceil(p.length / unit))
          .slice(0, p.length)
    )
      return true;
  }
  return false;
}

/** `12345678`, `87654321`, `abcdefgh`: each character one step from the last, the same way. */
function runs(p: string): boolean {
  const codes = [...p].map((c) => c.codePointAt(0)!);
  if (codes.length < 4) return false;
  const step = codes[1]! - codes[0]!;
  return (step === 1 || step === -1) && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step);
}

function textsOf(text: LocalizedText): string[] {
  return typeof text === 'string' ? [text] : [text['zh-CN'], ...(text.en ? [text.en] : [])];
}

/**
 * Words a guesser who knows the account and the site tries: the user name, the person's name, the site's names
 * and their longer words, each also backwards and twice.
 */
export function personalWords(input: { username: string; name: string; site: LocalizedText[] }): string[] {
  const words = new Set<string>();
  const add = (w: string) => {
    const c = compact(w.normalize('NFKC').toLowerCase());
    if (c.length < 2) return;
    words.add(c);
    words.add([...c].reverse().join(''));
    words.add(c + c);
  };
  add(input.username);
  add(input.name);
  for (const text of input.site.flatMap(textsOf)) {
    add(text);
    for (const word of text.split(/[^\p{L}\p{N}]+/u)) if (word.length >= 4) add(word);
  }
  return [...words];
}

/**
 * Why a new password is refused, or undefined when it may be used. Checked on top of the contract's length rule
 * when an account is created and when a password is set; existing passwords are not re-judged.
 */
export function passwordProblem(password: string, personal: readonly string[]): PasswordProblem | undefined {
  const p = password.normalize('NFKC').toLowerCase();
  const c = core(p);
  const forms = [p, c, compact(c), compact(p)].filter((f) => f.length > 0);
  if (forms.some((f) => COMMON_PASSWORDS.has(f))) return 'password_common';
  if (repeats(p) || runs(p)) return 'password_common';
  // What is left without one or two letters: `a12345678` is a run of digits with a letter in front.
  const digits = p.replace(/\p{L}/gu, '');
  if (p.length - digits.length <= 2 && digits.length >= 6 && (repeats(digits) || runs(digits)))
    return 'password_common';
  const words = new Set(personal);
  if (forms.some((f) => words.has(f))) return 'password_personal';
  return undefined;
}
