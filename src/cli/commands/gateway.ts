import type { Command } from "../Command.ts";
import { loadConfig } from "../../config/configFile.ts";
import { createLogger } from "../../log/logger.ts";
import { openGateway } from "../../gateway/openGateway.ts";
import { runAsService } from "../../systemd/runAsService.ts";

export const gatewayCommand: Command = {
  usage: "gateway --config FILE [--source SPEC]",
  help: `options:
  --config FILE         TOML configuration (docs/config.md); CANFERRY_SECTION_KEY variables override it
  --source SPEC         instead of gateway.source, e.g. socketcan:can0 or candump:log.txt`,
  flags: { config: { type: "string" }, source: { type: "string" } },
  async run(v) {
    const config = await loadConfig(typeof v.config === "string" ? v.config : undefined);
    const log = createLogger("gateway");
    const { gateway, status, done } = await openGateway(config, typeof v.source === "string" ? v.source : undefined, log);
    await runAsService(
      { done, stop: () => gateway.stop(), statusLine: () => status.statusLine() },
      log,
      "stopping: committing open chunks, finishing uploads in flight",
    );
    log.info({ ...gateway.ingestor.stats, ...gateway.uploader?.stats }, "gateway stopped");
    return 0;
  },
};
