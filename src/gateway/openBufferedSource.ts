/** Opens the source a gateway or an import reads, wired to its buffer (resume points) and its log. */
import type { BufferStore } from "../buffer/BufferStore.ts";
import type { CanferryConfig } from "../config/configFile.ts";
import { parseCanFilter } from "../config/canFilter.ts";
import type { Logger } from "../log/logger.ts";
import type { Pace } from "../source/CandumpSource.ts";
import type { FrameSource } from "../source/FrameSource.ts";
import { openSource } from "../source/openSource.ts";

/** Malformed lines reported one by one; past this only the count grows. */
const REPORTED_MALFORMED = 10;

/** On failure the buffer is closed, so a caller that gets an error has nothing left open. */
export async function openBufferedSource(
  spec: string,
  config: CanferryConfig,
  buffer: BufferStore,
  log: Logger,
  replay: { pace: Pace; loop: boolean },
): Promise<FrameSource> {
  let reported = 0;
  try {
    return await openSource(spec, {
      ...replay,
      batchFrames: 4096,
      filters: config.socketcan.filters.map(parseCanFilter),
      errorFrames: config.socketcan.error_frames,
      receiveBufferBytes: config.socketcan.receive_buffer,
      progressOf: (key) => buffer.progress(key),
      onMalformed: (line, reason, text) => {
        if (reported++ < REPORTED_MALFORMED) log.warn({ line, reason, text: text.slice(0, 200) }, "malformed line skipped");
      },
      onInterfaceEvent: (iface, event, detail) => log.warn({ iface, event, detail }, `interface ${event}`),
      onReceiveBuffer: (iface, requested, granted) =>
        log.warn(
          { iface, requested, granted },
          `the kernel granted a receive buffer of ${granted} bytes, not ${requested}: raise net.core.rmem_max (sysctl -w net.core.rmem_max=${requested}) or lower socketcan.receive_buffer`,
        ),
    });
  } catch (e) {
    buffer.close();
    throw e;
  }
}
