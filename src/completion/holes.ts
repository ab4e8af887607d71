/**
 * Hole markers the user leaves for DiffCoder to fill: a line holding only `<FILL>`, `# FILL` or
 * `// FILL` (the whole marker, not its indentation, is the hole), or `/*FILL*\/` / `<FILL>` inside a line.
 */
export interface HoleMarker {
  /** Character offset and length of the marker in the text. */
  offset: number;
  length: number;
  /** 0-based line of the marker. */
  line: number;
  /** Whether the marker is a line of its own (the fill may span lines). */
  wholeLine: boolean;
}

const LINE_MARKER = /^([ \t]*)(<FILL>|#[ \t]*FILL|\/\/[ \t]*FILL)[ \t]*$/;
const INLINE_MARKER = /\/\*[ \t]*FILL[ \t]*\*\/|<FILL>/g;

export function findHoles(text: string): HoleMarker[] {
  const holes: HoleMarker[] = [];
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((raw, line) => {
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = LINE_MARKER.exec(l);
    if (m) {
      holes.push({ offset: offset + m[1].length, length: l.length - m[1].length, line, wholeLine: true });
    } else {
      for (const im of l.matchAll(INLINE_MARKER)) {
        holes.push({ offset: offset + im.index!, length: im[0].length, line, wholeLine: false });
      }
    }
    offset += raw.length + 1;
  });
  return holes;
}
