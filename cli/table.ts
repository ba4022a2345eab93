/**
 * Plain-text tables for the CLI: columns padded to their widest cell, and, when a width is
 * given (a terminal), the wrappable columns narrowed and their cells wrapped at spaces so that
 * no line is wider than the terminal.
 */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be narrowed and wrapped to fit the width. */
  wrap?: boolean;
  /** Never narrower than this when wrapping (default 12). */
  min?: number;
}

export interface TableOptions {
  /** Fit lines to this many characters (wrappable columns only). Unset: natural widths. */
  width?: number;
  indent?: string;
  gap?: number;
}

export function renderTable(columns: Column[], rows: string[][], options: TableOptions = {}): string[] {
  const indent = options.indent ?? '';
  const gap = options.gap ?? 2;
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => longestLine(r[i] ?? ''))));
  if (options.width !== undefined) fitWidths(columns, widths, options.width - indent.length - gap * (columns.length - 1));

  const lines: string[] = [];
  const emit = (cells: string[]) => {
    const wrapped = cells.map((cell, i) => (columns[i]?.wrap ? wrapText(cell, widths[i] ?? 1) : cell.split('\n')));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    for (let row = 0; row < height; row++) {
      const parts = columns.map((c, i) => {
        const text = wrapped[i]?.[row] ?? '';
        const width = widths[i] ?? 0;
        return c.align === 'right' ? text.padStart(width) : text.padEnd(width);
      });
      lines.push(`${indent}${parts.join(' '.repeat(gap))}`.trimEnd());
    }
  };
  emit(columns.map((c) => c.header));
  for (const row of rows) emit(row);
  return lines;
}

/** Narrows the wrappable columns, widest first, until the table fits (or they are at their minimum). */
function fitWidths(columns: Column[], widths: number[], available: number): void {
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > available) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as Column;
      if (!c.wrap || (widths[i] ?? 0) <= Math.max(c.min ?? 12, c.header.length)) continue;
      if (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
    }
    if (widest < 0) return;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total -= 1;
  }
}

function longestLine(text: string): number {
  return Math.max(...text.split('\n').map((l) => l.length));
}

/** Wraps at spaces; a word longer than the width is cut. Existing line breaks are kept. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (let word of paragraph.split(' ')) {
      while (word.length > width) {
        // A word longer than a line (`a|b|c`) breaks after a `|` or `,` when it can, starting on
        // the current line; otherwise it is cut.
        const room = line ? width - line.length - 1 : width;
        const cut = breakAt(word, room);
        if (cut > 0) {
          line = line ? `${line} ${word.slice(0, cut)}` : word.slice(0, cut);
          word = word.slice(cut);
        } else if (line) {
          out.push(line);
          line = '';
          continue;
        } else {
          line = word.slice(0, width);
          word = word.slice(width);
        }
        out.push(line);
        line = '';
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/** Where to break a word to fit `room` characters: just after its last `|` or `,` that fits; 0 if none. */
function breakAt(word: string, room: number): number {
  if (room <= 0) return 0;
  for (let i = Math.min(room, word.length - 1); i > 0; i--) {
    const ch = word.charAt(i - 1);
    if (ch === '|' || ch === ',') return i;
  }
  return 0;
}
