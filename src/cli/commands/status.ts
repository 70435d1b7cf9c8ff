import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";

interface Verdict {
  frames: number;
  valueMs: number;
  ok: boolean;
  compliance: number;
  violations: number;
}

interface StatusJson {
  process: string;
  sla?: { measure: string; thresholdMs: number; percentile: number; violated: boolean; windows: Record<string, Verdict> };
  [key: string]: unknown;
}

const fmt = new Intl.NumberFormat("en-US");

export function formatStatus(s: StatusJson): string {
  const lines = [`process      ${s.process}`];
  const sla = s.sla;
  if (sla) {
    const verdict = sla.windows["1m"]?.ok === false ? "VIOLATED" : "OK";
    lines.push(`SLA          ${verdict}: P${sla.percentile} of ${sla.measure} <= ${sla.thresholdMs} ms`);
    lines.push(`window       frames       P${sla.percentile} ms   compliance   violations`);
    for (const [w, v] of Object.entries(sla.windows))
      lines.push(
        `${w.padEnd(12)} ${fmt.format(v.frames).padStart(10)}  ${v.valueMs.toFixed(1).padStart(9)}   ${(100 * v.compliance).toFixed(2).padStart(9)} %  ${fmt.format(v.violations).padStart(10)}`,
      );
  }
  const section = (name: string, o: unknown) => {
    // A nested process (the demo's gateway and consumer) gets its own block below.
    if (!o || typeof o !== "object" || "process" in o) return;
    const flat = Object.entries(o as Record<string, unknown>).filter(([, v]) => typeof v !== "object" || v === null);
    if (flat.length) lines.push(`${name.padEnd(12)} ${flat.map(([k, v]) => `${k}=${typeof v === "number" ? fmt.format(v) : String(v)}`).join(" ")}`);
  };
  for (const key of ["buffer", "uplink", "source", "consumer", "queueAge"]) section(key, s[key]);
  for (const side of ["gateway", "consumer"] as const) {
    const nested = s[side];
    if (nested && typeof nested === "object" && "process" in nested) lines.push("", formatStatus(nested as StatusJson));
  }
  return lines.join("\n");
}

export const statusCommand: Command = {
  usage: "status [--url URL] [--json] [--token TOKEN]",
  help: `Asks a running gateway, consumer or demo for its status. Exit code: 0 inside the SLA, 1 when the
SLA is violated (last minute), 2 when the endpoint cannot be reached.

options:
  --url URL             the status endpoint (default http://127.0.0.1:8080)
  --json                print the JSON as served
  --token TOKEN         bearer token for a non-loopback endpoint (or CANFERRY_STATUS_TOKEN)`,
  flags: { url: { type: "string" }, json: { type: "boolean" }, token: { type: "string" } },
  async run(v) {
    const base = (typeof v.url === "string" ? v.url : "http://127.0.0.1:8080").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(base)) throw new UsageError(`--url must start with http:// or https:// (got ${base})`);
    const token = typeof v.token === "string" ? v.token : process.env.CANFERRY_STATUS_TOKEN;
    let res: Response;
    try {
      res = await fetch(`${base}/status`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(3000) });
    } catch (e) {
      process.stderr.write(`canferry status: ${base} is unreachable (${(e as Error).message})\n`);
      return 2;
    }
    if (res.status !== 200) {
      process.stderr.write(`canferry status: ${base}/status answered ${res.status}${res.status === 401 ? " (pass --token)" : ""}\n`);
      return 2;
    }
    const s = (await res.json()) as StatusJson;
    process.stdout.write(v.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    const violated = [s, s.gateway, s.consumer].some((x) => (x as StatusJson | undefined)?.sla?.windows["1m"]?.ok === false);
    return violated ? 1 : 0;
  },
};
