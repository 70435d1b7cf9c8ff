/**
 * Append-only byte buffer with LEB128 varints. One instance is reused across encodes so the hot path
 * allocates only when a chunk is larger than any before it.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Unsigned varint for values up to 2^53; callers ensure() 8 bytes per value in tight loops. */
  varint(v: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Zig-zag signed varint, for deltas that may go backwards. */
  svarint(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Appends a string whose characters are all below 256 (ASCII text such as JSON of CAN data). */
  latin1(text: string): void {
    this.ensure(text.length);
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < text.length; k++) b[p++] = text.charCodeAt(k);
    this.pos = p;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
