/**
 * A small, bounded XML reader for the camera sources (ISAPI alerts, ONVIF SOAP). The project ships no XML parser,
 * and what cameras send is plain: elements, attributes, text, the odd CDATA. Names are kept by their local part
 * because every vendor picks its own namespace URI and prefix (Hikvision ver10/ver20, std-cgi, isapi.org; ONVIF's
 * tt/tev/wsnt under any prefix). DOCTYPE is refused (no entity expansion), and size, depth and element count are
 * capped, so a hostile camera costs at most `maxBytes` of work.
 */

export interface XmlElement {
  /** Local name, without its prefix. */
  name: string;
  /** Attributes by local name (a prefixed `xmlns:*` is dropped). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded, trimmed. */
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 256 * 1024, maxDepth: 32, maxElements: 4000 };

export class XmlError extends Error {}

const local = (qname: string) => {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
};

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : '\uFFFD';
  });
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTR = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parses one document; throws {@link XmlError} with a short reason when it is not well formed or too big. */
export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (input.length > limits.maxBytes) throw new XmlError(`XML over ${limits.maxBytes} characters`);
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    const textEnd = lt < 0 ? input.length : lt;
    if (textEnd > i) {
      const chunk = input.slice(i, textEnd);
      if (stack.length > 0) texts[texts.length - 1]?.push(chunk);
      else if (chunk.trim() !== '') throw new XmlError('text outside the root element');
    }
    if (lt < 0) break;
    if (input.startsWith('<?', lt)) {
      const end = input.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlError('unterminated processing instruction');
      i = end + 2;
    } else if (input.startsWith('<!--', lt)) {
      const end = input.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlError('unterminated comment');
      i = end + 3;
    } else if (input.startsWith('<![CDATA[', lt)) {
      const end = input.indexOf(']]>', lt + 9);
      if (end < 0) throw new XmlError('unterminated CDATA');
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      // CDATA is literal: escape it so the shared entity decoding leaves it as it was.
      texts[texts.length - 1]?.push(input.slice(lt + 9, end).replace(/&/g, '&amp;'));
      i = end + 3;
    } else if (input.startsWith('<!', lt)) {
      throw new XmlError('DOCTYPE and declarations are not accepted');
    } else if (input[lt + 1] === '/') {
      const end = input.indexOf('>', lt);
      if (end < 0) throw new XmlError('unterminated end tag');
      const name = local(input.slice(lt + 2, end).trim());
      const el = stack.pop();
      const own = texts.pop();
      if (!el || el.name !== name) throw new XmlError(`mismatched end tag </${name.slice(0, 40)}>`);
      el.text = decode((own ?? []).join('')).trim();
      if (stack.length === 0) root = el;
      i = end + 1;
    } else {
      const m = NAME.exec(input.slice(lt + 1, lt + 201));
      if (!m) throw new XmlError('a tag without a name');
      if (root) throw new XmlError('more than one root element');
      if (++count > limits.maxElements) throw new XmlError(`more than ${limits.maxElements} elements`);
      const el: XmlElement = { name: local(m[0]), attrs: {}, children: [], text: '' };
      let j = lt + 1 + m[0].length;
      for (;;) {
        ATTR.lastIndex = j;
        const a = ATTR.exec(input);
        if (!a) break;
        const qname = a[1] ?? '';
        if (qname !== 'xmlns' && !qname.startsWith('xmlns:'))
          el.attrs[local(qname)] = decode(a[3] ?? a[4] ?? '');
        j = ATTR.lastIndex;
      }
      while (j < input.length && /\s/.test(input[j] ?? '')) j++;
      const selfClosing = input.startsWith('/>', j);
      if (!selfClosing && input[j] !== '>') throw new XmlError('a malformed tag');
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      if (selfClosing) {
        if (!parent) root = el;
        i = j + 2;
      } else {
        if (stack.length >= limits.maxDepth) throw new XmlError(`nested deeper than ${limits.maxDepth}`);
        stack.push(el);
        texts.push([]);
        i = j + 1;
      }
    }
  }
  if (stack.length > 0) throw new XmlError('unterminated element');
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The first child with that local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Follows a path of local names through first matches. */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (const n of names) at = child(at, n);
  return at;
}

/** Every descendant (depth first) with that local name. */
export function findAll(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    findAll(c, name, out);
  }
  return out;
}

/** Escapes text for an element or a double-quoted attribute. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
