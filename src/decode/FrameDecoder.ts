/**
 * Decodes CAN frames with one or more DBC databases: the message for a frame's id (11- or 29-bit),
 * then its signals. Frames with no definition are counted, not guessed at.
 */
import type { CanFrame } from "../frame/CanFrame.ts";
import { FrameFlag } from "../frame/CanFrame.ts";
import type { DbcDatabase, DbcMessage } from "./Dbc.ts";
import { type DecodedMessage, MessageDecoder } from "./MessageDecoder.ts";

export interface DecodedFrame extends DecodedMessage {
  message: DbcMessage;
}

/** 29-bit ids are kept apart from 11-bit ones with the same number. */
const key = (id: number, extended: boolean) => (extended ? id + 0x2000_0000 : id);

export class FrameDecoder {
  private readonly decoders = new Map<number, MessageDecoder>();
  /** Frames with no message in the databases, error and remote frames. */
  undefinedFrames = 0;

  /** Later databases win for an id defined twice, like loading them in order. */
  constructor(databases: DbcDatabase[]) {
    for (const db of databases) for (const m of db.messages) this.decoders.set(key(m.id, m.extended), new MessageDecoder(m));
  }

  decode(f: CanFrame): DecodedFrame | undefined {
    const d = f.flags & (FrameFlag.ERR | FrameFlag.RTR) ? undefined : this.decoders.get(key(f.id, (f.flags & FrameFlag.EXT) !== 0));
    if (!d) {
      this.undefinedFrames++;
      return undefined;
    }
    return { message: d.message, ...d.decode(f.data) };
  }
}
