import { afterAll, describe, expect, test } from "bun:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { startStatusServer, type StatusSource } from "../../src/status/StatusServer.ts";
import { PromMetrics } from "../../src/metrics/promMetrics.ts";
import { SlaTracker } from "../../src/metrics/SlaTracker.ts";
import { slaMetrics } from "../../src/status/slaMetrics.ts";
import { ConfigError } from "../../src/config/ConfigError.ts";
import { canferry } from "../helpers/cli.ts";

function fakeSource(over: Partial<StatusSource> = {}) {
  const sla = new SlaTracker({ thresholdMs: 100, percentile: 95 });
  const m = new PromMetrics();
  slaMetrics(m, sla, "canferry_sla", "canferry_e2e_latency_seconds", "Processed minus capture time.");
  m.counter("canferry_consumer_errors_total", "Errors by code.", () => [[{ code: "Throttling" }, 3]]);
  let ready = true;
  const source: StatusSource = {
    ready: () => ready,
    status: () => ({ process: "consumer", sla: { measure: "test", ...sla.report() } }),
    metrics: () => m.text(),
    history: () => [{ t: 1, e2e_p95_s: 0.1 }],
    statusLine: () => "fine",
    ...over,
  };
  return { source, sla, setReady: (r: boolean) => (ready = r) };
}

const servers: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

function serve(source: StatusSource, bind = "127.0.0.1:0", token?: string) {
  const s = startStatusServer(source, { bind, token });
  servers.push(s);
  return s;
}

describe("status endpoint over HTTP", () => {
  test("healthz, readyz, status, metrics", async () => {
    const f = fakeSource();
    f.sla.e2e.recordAllMs([10, 20, 30, 500]);
    const { url } = serve(f.source);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/history`)).json()).toEqual([{ t: 1, e2e_p95_s: 0.1 }]);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    f.setReady(false);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const status = (await (await fetch(`${url}/status`)).json()) as { sla: { windows: Record<string, unknown> } };
    expect(status.sla.windows["1m"]).toMatchObject({ frames: 4, violations: 1, compliance: 0.75 });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const families = parsePrometheusTextFormat(await res.text());
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get("canferry_sla_compliance_ratio")!.type).toBe("GAUGE");
    expect(byName.get("canferry_sla_compliance_ratio")!.metrics.find((m) => m.labels?.window === "1m")!.value).toBe("0.75");
    expect(byName.get("canferry_consumer_errors_total")!.type).toBe("COUNTER");
    expect(byName.get("canferry_e2e_latency_seconds")!.metrics.length).toBe(9);
  });

  test("unknown routes 404, wrong methods 405 with Allow, errors 500 without a stack", async () => {
    const { url } = serve(
      fakeSource({
        status: () => {
          throw new Error("secret internal detail");
        },
      }).source,
    );
    const nf = await fetch(`${url}/nope`);
    expect(nf.status).toBe(404);
    const post = await fetch(`${url}/status`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
    const err = await fetch(`${url}/status`);
    expect(err.status).toBe(500);
    const body = await err.text();
    expect(body).not.toContain("secret");
    expect(body).not.toContain("    at ");
  });

  test("malformed requests do not take the server down", async () => {
    const { url } = serve(fakeSource().source);
    const port = Number(new URL(url).port);
    for (const junk of ["GARBAGE\r\n\r\n", "GET /status HTTP/9.9\r\nHost:\r\n\r\n", "\x00\x01\x02\xff", `GET /${"a".repeat(100_000)} HTTP/1.1\r\n\r\n`]) {
      const sock = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, error() {} } });
      sock.write(junk);
      await Bun.sleep(20);
      sock.end();
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  test("a non-loopback bind needs a token; wrong or missing tokens get a bare 401", async () => {
    expect(() => startStatusServer(fakeSource().source, { bind: "0.0.0.0:0" })).toThrow(ConfigError);
    const token = "a-long-enough-secret-token";
    const { url } = serve(fakeSource().source, "0.0.0.0:0", token);
    const local = url.replace("0.0.0.0", "127.0.0.1");
    const attempts: Record<string, string>[] = [{}, { Authorization: "Bearer wrong-token-of-some-length" }, { Authorization: "Basic abc" }];
    for (const headers of attempts) {
      const r = await fetch(`${local}/status`, { headers });
      expect(r.status).toBe(401);
      expect(await r.text()).not.toContain("token");
    }
    expect((await fetch(`${local}/status`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    // canferry status passes the token along.
    expect((await canferry(["status", "--url", local, "--token", token])).code).toBe(0);
    expect((await canferry(["status", "--url", local])).code).toBe(2);
  });
});

describe("canferry status", () => {
  test("exit 0 inside the SLA, 1 when violated, 2 when unreachable", async () => {
    const f = fakeSource();
    f.sla.e2e.recordAllMs([10, 20]);
    const { url } = serve(f.source);
    const ok = await canferry(["status", "--url", url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("SLA          OK");
    f.sla.e2e.recordAllMs(Array.from({ length: 50 }, () => 900));
    const bad = await canferry(["status", "--url", url]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("VIOLATED");
    const json = await canferry(["status", "--url", url, "--json"]);
    expect(JSON.parse(json.stdout).process).toBe("consumer");
    const gone = await canferry(["status", "--url", "http://127.0.0.1:1"]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain("unreachable");
  });
});
