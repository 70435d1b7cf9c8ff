/** Thrown only inside decoders, which turn it into a typed result at their boundary. */
export class TruncatedInput extends Error {
  constructor(what: string) {
    super(`truncated input: ${what}`);
  }
}

/** Bounds-checked reader, the counterpart of {@link ByteWriter}. */
export class ByteReader {
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new TruncatedInput("byte");
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let k = 0; k < 8; k++) {
      if (this.pos >= this.buf.length) throw new TruncatedInput("varint");
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new TruncatedInput("varint above 2^53");
        return result;
      }
      mul *= 0x80;
    }
    throw new TruncatedInput("varint longer than 8 bytes");
  }

  svarint(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new TruncatedInput("bytes");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
