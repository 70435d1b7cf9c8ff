/** Runs a process's status endpoint and logs SLA violations when they start and end. */
import type { CanferryConfig } from "../config/configFile.ts";
import type { Logger } from "../log/logger.ts";
import type { SlaTracker } from "../metrics/SlaTracker.ts";
import type { MetricsHistory } from "../metrics/MetricsHistory.ts";
import { startStatusServer, type StatusSource } from "./StatusServer.ts";

const SLA_CHECK_MS = 5000;

export interface ServedStatus {
  url: string;
  stop(): Promise<void>;
}

/** `recorders` sample the history the page draws and write the daily latency files. */
export function serveStatus(
  source: StatusSource,
  slas: SlaTracker[],
  recorders: MetricsHistory[],
  config: CanferryConfig,
  log: Logger,
): ServedStatus {
  const server = startStatusServer(source, { bind: config.status.bind, token: config.status.token });
  for (const r of recorders) r.start();
  const timer = setInterval(() => {
    for (const sla of slas) {
      const t = sla.check();
      if (!t) continue;
      const { valueMs, window, compliance, violations } = t.verdict;
      const fields = { window, valueMs, thresholdMs: sla.options.thresholdMs, percentile: sla.options.percentile, compliance, violations };
      if (t.violated) log.warn(fields, "SLA violated");
      else log.info(fields, "SLA met again");
    }
  }, SLA_CHECK_MS);
  timer.unref?.();
  log.info({ url: server.url }, "status endpoint listening");
  return {
    url: server.url,
    async stop() {
      clearInterval(timer);
      for (const r of recorders) r.stop();
      await server.stop();
    },
  };
}
