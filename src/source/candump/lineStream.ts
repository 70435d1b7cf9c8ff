/**
 * Splits a byte stream into lines while keeping byte offsets exact, so a file source can record where
 * it stands and resume there. Lines are decoded as latin1: candump output is ASCII, and a stray byte
 * must not shift the offsets of the lines after it.
 */
export interface LineSpan {
  text: string;
  /** Byte offset where the line starts. */
  offset: number;
}

/** Yields the lines of each stream chunk together (one await per chunk, not per line). */
export async function* lineStream(
  stream: ReadableStream<Uint8Array>,
  startOffset = 0,
  maxLineBytes = 1 << 16,
): AsyncGenerator<LineSpan[]> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = startOffset;
  for await (const part of stream) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, part]) : Buffer.from(part.buffer, part.byteOffset, part.length);
    const lines: LineSpan[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      lines.push({ text: buf.toString("latin1", start, nl), offset: offset + start });
      start = nl + 1;
    }
    carry = buf.subarray(start);
    if (carry.length > maxLineBytes) {
      // A line this long is not candump output; hand it on (it will count as malformed) and move on.
      lines.push({ text: carry.toString("latin1", 0, maxLineBytes), offset: offset + start });
      start = buf.length;
      carry = Buffer.alloc(0);
    }
    offset += start;
    if (lines.length) yield lines;
  }
  if (carry.length) yield [{ text: carry.toString("latin1"), offset }];
}
