// A final report's Markdown as a PDF, drawn with PDFKit from markdown-it's tokens (raw HTML off):
// headings, paragraphs with bold, italic and code, lists, quotes and code blocks. Every word is
// drawn as text, so nothing a writer typed is ever interpreted; links show their address.
import MarkdownIt from 'markdown-it';
import PDFDocument from 'pdfkit';

type Token = ReturnType<MarkdownIt['parse']>[number];

const markdown = new MarkdownIt({ html: false, linkify: false });
const FONTS = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  italic: 'Helvetica-Oblique',
  boldItalic: 'Helvetica-BoldOblique',
  code: 'Courier',
} as const;
const HEADING_SIZES: Record<string, number> = { h1: 18, h2: 14, h3: 12, h4: 11 };

/**
 * The standard PDF fonts hold Windows-1252 only: other characters are written as '?' rather than
 * as a wrong glyph.
 */
function printable(text: string): string {
  return text.replace(
    /[^\t\n\r\u0020-\u007e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/gu,
    '?',
  );
}

/** Draws one inline run (a paragraph, a heading, a list item's text) with its emphasis. */
function drawInline(doc: PDFKit.PDFDocument, token: Token, size: number, bold = false) {
  const runs: { text: string; font: string }[] = [];
  let strong = bold;
  let em = false;
  let href: string | null = null;
  const font = () =>
    strong && em ? FONTS.boldItalic : strong ? FONTS.bold : em ? FONTS.italic : FONTS.regular;
  for (const child of token.children ?? []) {
    switch (child.type) {
      case 'strong_open':
        strong = true;
        break;
      case 'strong_close':
        strong = bold;
        break;
      case 'em_open':
        em = true;
        break;
      case 'em_close':
        em = false;
        break;
      case 'link_open':
        href = child.attrGet('href');
        break;
      case 'link_close':
        if (href) runs.push({ text: ` (${href})`, font: font() });
        href = null;
        break;
      case 'code_inline':
        runs.push({ text: child.content, font: FONTS.code });
        break;
      case 'softbreak':
      case 'hardbreak':
        runs.push({ text: '\n', font: font() });
        break;
      default:
        if (child.content) runs.push({ text: child.content, font: font() });
    }
  }
  if (runs.length === 0) runs.push({ text: '', font: font() });
  doc.fontSize(size);
  runs.forEach((run, i) => {
    doc.font(run.font).text(printable(run.text), { continued: i < runs.length - 1 });
  });
}

/** The report as a PDF document (A4), its title in the document's metadata. */
export function renderReportPdf(source: string, title: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: printable(title), Creator: 'Stopline', Producer: 'Stopline' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const lists: { ordered: boolean; n: number }[] = [];
  let heading: string | null = null;
  let quote = 0;
  const left = doc.page.margins.left;
  const startsBlock = new Set(['heading_open', 'paragraph_open', 'fence', 'code_block']);
  let inItem = false;
  for (const token of markdown.parse(source, {})) {
    // A block starts at its indent, unless it continues a list item's mark on the same line.
    if (token.type === 'list_item_open' || (startsBlock.has(token.type) && !inItem)) {
      doc.x = left + 14 * (lists.length + quote);
    }
    if (token.type === 'inline') inItem = false;
    switch (token.type) {
      case 'heading_open':
        heading = token.tag;
        doc.moveDown(0.6);
        break;
      case 'heading_close':
        heading = null;
        doc.moveDown(0.3);
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({
          ordered: token.type === 'ordered_list_open',
          n: Number(token.attrGet('start') ?? 1),
        });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        doc.moveDown(0.4);
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1]!;
        const mark = list.ordered ? `${list.n++}.` : '\u2022';
        doc.font(FONTS.regular).fontSize(10).text(`${mark} `, { continued: true });
        inItem = true;
        break;
      }
      case 'blockquote_open':
        quote++;
        break;
      case 'blockquote_close':
        quote--;
        break;
      case 'inline':
        drawInline(doc, token, heading ? (HEADING_SIZES[heading] ?? 11) : 10, heading !== null);
        break;
      case 'paragraph_close':
        if (lists.length === 0) doc.moveDown(0.5);
        break;
      case 'fence':
      case 'code_block':
        doc
          .font(FONTS.code)
          .fontSize(9)
          .text(printable(token.content.replace(/\n$/, '')));
        doc.moveDown(0.5);
        break;
      case 'hr':
        doc.moveDown(0.5);
        break;
    }
  }
  doc.end();
  return done;
}
