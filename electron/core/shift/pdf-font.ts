import { existsSync } from 'node:fs';

/**
 * A font with Chinese glyphs for PDFs. Debian's fonts-noto-cjk (installed by .ci/run) first, then the usual
 * places on Windows and macOS. Kept apart from the report so one PDF helper can share it.
 */
export interface PdfFont {
  file: string;
  /** The face inside a font collection (.ttc), if it is one. */
  family?: string;
}

const CANDIDATES: PdfFont[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { file: 'C:\\Windows\\Fonts\\simhei.ttf' },
  { file: '/System/Library/Fonts/Supplemental/Arial Unicode.ttf' },
];

export function findCjkFont(env: Record<string, string | undefined> = process.env): PdfFont | undefined {
  if (env.CONSOLE_PDF_FONT && existsSync(env.CONSOLE_PDF_FONT)) return { file: env.CONSOLE_PDF_FONT };
  return CANDIDATES.find((c) => existsSync(c.file));
}
