/** A plain table in pdfkit: header row on grey, zebra rows, right-aligned numbers; breaks never (callers size it). */
export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export const FONT = 'DejaVu';
export const FONT_BOLD = 'DejaVu-Bold';

export function drawTable(doc: PDFKit.PDFDocument, x: number, y: number, columns: Column[], rows: string[][], opts: { fontSize?: number; rowHeight?: number; colors?: Array<string | null>; colorColumn?: number } = {}): number {
  const size = opts.fontSize ?? 9;
  const h = opts.rowHeight ?? size + 8;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const cellText = (text: string, cx: number, cy: number, c: Column, bold: boolean, color = '#222222') => {
    doc.font(bold ? FONT_BOLD : FONT).fontSize(size).fillColor(color).text(text, cx + 4, cy + (h - size) / 2 - 1, { width: c.width - 8, align: c.align ?? 'left', lineBreak: false, ellipsis: true, height: h });
  };
  // Headers may wrap (long feature names); the header row grows to fit.
  doc.font(FONT_BOLD).fontSize(size);
  const hh = Math.max(h, ...columns.map((c) => doc.heightOfString(c.header.replace(/_/g, '_\u200b'), { width: c.width - 8 }) + 7));
  doc.rect(x, y, total, hh).fill('#E8EEF4');
  let cx = x;
  for (const c of columns) {
    // A zero-width space after '_' lets snake_case names wrap at a word, not mid-word.
    doc.font(FONT_BOLD).fontSize(size).fillColor('#222222').text(c.header.replace(/_/g, '_\u200b'), cx + 4, y + 4, { width: c.width - 8, align: c.align ?? 'left' });
    cx += c.width;
  }
  y += hh;
  rows.forEach((r, i) => {
    if (i % 2 === 1) doc.rect(x, y, total, h).fill('#F6F8FA');
    cx = x;
    columns.forEach((c, j) => {
      cellText(r[j] ?? '', cx, y, c, false, j === (opts.colorColumn ?? columns.length - 1) && opts.colors?.[i] ? opts.colors[i]! : '#222222');
      cx += c.width;
    });
    y += h;
  });
  doc.moveTo(x, y).lineTo(x + total, y).lineWidth(0.5).strokeColor('#BBBBBB').stroke();
  return y;
}
