import type { Command } from "../Command.ts";
import { loadConfig } from "../../config/configFile.ts";
import { createLogger } from "../../log/logger.ts";
import { openConsumer } from "../../consumer/openConsumer.ts";
import { runAsService } from "../../systemd/runAsService.ts";

export const consumerCommand: Command = {
  usage: "consumer --config FILE",
  help: `options:
  --config FILE         TOML configuration (docs/config.md); CANFERRY_SECTION_KEY variables override it`,
  flags: { config: { type: "string" } },
  async run(v) {
    const config = await loadConfig(typeof v.config === "string" ? v.config : undefined);
    const log = createLogger("consumer");
    const { consumer, status, done } = openConsumer(config, log);
    await runAsService(
      { done, stop: () => consumer.stop(), statusLine: () => status.statusLine() },
      log,
      "stopping: no new receives, finishing and deleting what was received",
    );
    log.info(
      {
        ...consumer.stats,
        e2eP50Ms: consumer.e2e.percentileMs(50),
        e2eP95Ms: consumer.e2e.percentileMs(95),
        e2eP99Ms: consumer.e2e.percentileMs(99),
        queueAgeP95Ms: consumer.queueAge.percentileMs(95),
      },
      "consumer stopped",
    );
    return 0;
  },
};
