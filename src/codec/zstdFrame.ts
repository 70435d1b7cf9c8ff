/**
 * Reads the decompressed size a zstd frame declares in its header (RFC 8878, 3.1.1), so a decoder can
 * refuse a decompression bomb before inflating it. Returns undefined when the header is malformed or
 * does not declare the size.
 */
const ZSTD_MAGIC = 0xfd2fb528;

export function zstdContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6) return undefined;
  const magic = (frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC) return undefined;
  const fhd = frame[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if ((fhd >> 3) & 1) return undefined; // reserved bit
  const dictIdFlag = fhd & 3;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fcsSize === 0) return undefined;
  const dictIdSize = [0, 1, 2, 4][dictIdFlag]!;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdSize;
  if (frame.length < at + fcsSize) return undefined;
  let v = 0;
  for (let k = fcsSize - 1; k >= 0; k--) v = v * 256 + frame[at + k]!;
  return fcsSize === 2 ? v + 256 : v;
}
