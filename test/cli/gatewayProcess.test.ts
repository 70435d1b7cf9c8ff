import { expect, test } from "bun:test";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { canferry, fixture, tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";

test("canferry gateway from a config file: status endpoint, readiness, SIGTERM exits 0 with nothing left behind", async () => {
  const sqs = await startTestSqs("gateway-process");
  const dir = tempDir("gateway-process");
  const port = 20000 + Math.floor(Math.random() * 20000);
  const config = join(dir, "gateway.toml");
  await Bun.write(
    config,
    `[gateway]
id = "truck-7"
source = "candump:${fixture("savvycan", "candump.log")}"
speed = 8
loop = true
[buffer]
path = "${join(dir, "buffer.db")}"
[sqs]
queue_url = "${sqs.queueUrl}"
endpoint = "${sqs.endpoint}"
[status]
bind = "127.0.0.1:${port}"
[metrics]
dir = "${join(dir, "metrics")}"
`,
  );
  const gw = watchedCanferry(["gateway", "--config", config]);
  try {
    await gw.waitFor("status endpoint listening");
    await Bun.sleep(1500);
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const status = (await (await fetch(`${url}/status`)).json()) as {
      process: string;
      gateway: string;
      uplink: { framesAcked: number };
      buffer: Record<string, unknown>;
    };
    expect(status.process).toBe("gateway");
    expect(status.gateway).toBe("truck-7");
    expect(status.uplink.framesAcked).toBeGreaterThan(0);
    expect(status.buffer).toHaveProperty("backlogFrames");
    expect((await canferry(["status", "--url", url])).code).toBe(0);
    expect(existsSync(join(dir, "metrics"))).toBe(true);
  } finally {
    gw.proc.kill("SIGTERM");
  }
  expect(await gw.finished()).toBe(0);
  const stopped = JSON.parse(gw.output().split("\n").find((l) => l.includes("gateway stopped"))!);
  // Everything read was committed and sent before exit: the drain on stop emptied the backlog.
  expect(stopped.framesCommitted).toBe(stopped.framesIn);
  expect(stopped.framesAcked).toBe(stopped.framesIn);
  await sqs.stop();
}, 60_000);
