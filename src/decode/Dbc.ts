/** A CAN database (DBC) as canferry decodes with it: messages and their signals. */

export type ByteOrder = "little_endian" | "big_endian";

/** How a signal's raw bits are read: an integer, or IEEE 754 (SIG_VALTYPE_ 1 and 2). */
export type ValueType = "int" | "float32" | "float64";

/** Where a multiplexed signal appears: when `multiplexer` holds one of these values (inclusive ranges). */
export interface MuxCondition {
  multiplexer: string;
  ranges: [number, number][];
}

export interface DbcSignal {
  name: string;
  /** As written in the DBC: the LSB (little endian) or the MSB in sawtooth numbering (big endian). */
  startBit: number;
  length: number;
  byteOrder: ByteOrder;
  signed: boolean;
  valueType: ValueType;
  scale: number;
  offset: number;
  minimum: number;
  maximum: number;
  unit: string;
  /** VAL_ names by raw value. */
  choices?: Map<number, string>;
  /** This signal selects which multiplexed signals are present (M, or mNM). */
  isMultiplexer: boolean;
  /** Present only when the multiplexer condition holds (mN, or SG_MUL_VAL_). */
  mux?: MuxCondition;
}

export interface DbcMessage {
  /** The CAN id without the extended-frame bit. */
  id: number;
  extended: boolean;
  /** CAN FD, from the VFrameFormat attribute (StandardCAN_FD, ExtendedCAN_FD). */
  fd: boolean;
  name: string;
  /** Length in bytes as the DBC declares it (up to 64 for CAN FD). */
  length: number;
  signals: DbcSignal[];
}

export interface DbcDatabase {
  messages: DbcMessage[];
}

/** A DBC file that does not parse: where, and what was expected. */
export class DbcParseError extends Error {
  override readonly name = "DbcParseError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}
