import { existsSync } from 'node:fs';
import { ServiceError } from '../errors';

/** A font with Chinese glyphs for the PDFs the core makes (incident, drill and handover reports). */
export interface PdfFont {
  file: string;
  /** The face inside a font collection (.ttc). */
  face?: string;
}

/** Debian's fonts-noto-cjk (installed by .ci/run) first, then the usual places on Windows and macOS. */
const CANDIDATES: PdfFont[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { file: 'C:\\Windows\\Fonts\\msyh.ttc', face: 'MicrosoftYaHei' },
  { file: 'C:\\Windows\\Fonts\\simhei.ttf' },
  { file: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Regular' },
  { file: '/System/Library/Fonts/STHeiti Light.ttc', face: 'STHeitiSC-Light' },
];

/**
 * The configured font (`path`, or `path#FaceName` for a collection; the console's `reportFont` setting, else env
 * CONSOLE_PDF_FONT), else the first of the platform's CJK fonts that exists. A Chinese PDF without one would print
 * boxes, so it is refused with what to do.
 */
export function findPdfFont(configured: string | undefined = process.env.CONSOLE_PDF_FONT): PdfFont {
  if (configured) {
    const [file, face] = configured.split('#') as [string, string | undefined];
    if (!existsSync(file)) {
      throw new ServiceError(
        'unavailable',
        `The PDF font ${file} (setting CONSOLE_PDF_FONT) does not exist.`,
      );
    }
    return face ? { file, face } : { file };
  }
  const found = CANDIDATES.find((c) => existsSync(c.file));
  if (!found) {
    throw new ServiceError(
      'unavailable',
      'No font with Chinese characters was found for the PDF. Install one (Debian/Ubuntu: apt-get install ' +
        'fonts-noto-cjk; Windows has Microsoft YaHei) or set CONSOLE_PDF_FONT to a .ttf/.otf file, or to ' +
        '"file.ttc#FaceName" for a collection. Looked for: ' +
        CANDIDATES.map((c) => c.file).join(', '),
    );
  }
  return found;
}

const TTC_FACES = ['NotoSansCJKsc-Regular', 'MicrosoftYaHei', 'PingFangSC-Regular', 'STHeitiSC-Light'];

/** Makes `font` the document's body font; a collection named without its face is tried with the usual faces. */
export function usePdfFont(doc: PDFKit.PDFDocument, font: PdfFont): void {
  if (font.face || !font.file.toLowerCase().endsWith('.ttc')) {
    doc.registerFont('body', font.file, font.face ?? '');
    doc.font('body');
    return;
  }
  for (const face of TTC_FACES) {
    try {
      doc.registerFont('body', font.file, face);
      doc.font('body');
      return;
    } catch {
      // not in this collection
    }
  }
  throw new ServiceError('unavailable', `Name the face to use in ${font.file}: "${font.file}#FaceName".`);
}
