/**
 * docs/benchmarks.md and docs/bench/*.svg from docs/benchmarks.json. The prose is bench/report.md, a
 * template whose every figure is a placeholder filled from a measured result:
 *
 *   {{v STEP.key}}     a figure, formatted          {{cmd STEP}}   the command that measured it
 *   {{json STEP ...}}  the steps' JSON lines         {{date STEP}}  the day it ran
 *   {{table NAME}}     a generated table             {{chart NAME}} a generated chart
 *   {{machine}}        the machine's description  {{runtime}}    the steps' time, added up
 *
 * A placeholder whose step has no figures renders as "(not measured)", and the report lists those
 * steps at the top; an unknown placeholder is an error.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { ROOT } from "./processes.ts";
import type { BenchResults, StepRecord } from "./results.ts";
import { DESIGNS, LOADS, type Design, sweepRecord } from "./sweep.ts";
import { backlogDrain, bytesPerFrame, latencyVsLoad, renderSvg, rssOverTime, type BytesBar, type LoadPoint, type RssPoint } from "./charts.ts";

const TEMPLATE = join(ROOT, "bench", "report.md");
const OUT = join(ROOT, "docs", "benchmarks.md");
const CHARTS = join(ROOT, "docs", "bench");

/** The 5 s SLA, the price AWS lists for standard queues, and the vehicle the cost line is for. */
const SLA_MS = 5000;
const USD_PER_MILLION_REQUESTS = 0.4;
const COST_FRAME_RATE = 1_000;
/** The load every design keeps up with, where latency and cost are compared. */
const COMMON_LOAD = 1_000;

type Figures = Record<string, unknown>;

const NOT_MEASURED = "(not measured)";

export function fmt(v: unknown): string {
  if (typeof v === "number") return v.toLocaleString("en-US", { maximumFractionDigits: Number.isInteger(v) ? 0 : 3 });
  if (typeof v === "boolean") return v ? "yes" : "no";
  return v === undefined || v === null ? NOT_MEASURED : String(v);
}

class Report {
  readonly missing = new Set<string>();
  constructor(readonly r: BenchResults) {}

  step(name: string): StepRecord | undefined {
    const s = this.r.steps[name];
    if (!s?.result) this.missing.add(name);
    return s;
  }

  figures(name: string): Figures | undefined {
    return this.step(name)?.result;
  }

  /** A figure, or undefined when its step has none. */
  get(name: string, key: string): number | undefined {
    const v = this.figures(name)?.[key];
    return typeof v === "number" ? v : undefined;
  }

  v(name: string, key: string): string {
    return fmt(this.figures(name)?.[key]);
  }
}

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
const times = (x: number | undefined) => (x === undefined ? NOT_MEASURED : `${fmt(+x.toFixed(x < 10 ? 1 : 0))}×`);
const met = (ok: boolean | undefined) => (ok === undefined ? NOT_MEASURED : ok ? "yes" : "**no**");
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

/** Each design's highest load it kept up with, and its run there. */
function bestLoad(rep: Report, design: Design): { rate: number; record: StepRecord } | undefined {
  let best: { rate: number; record: StepRecord } | undefined;
  for (const rate of LOADS) {
    const rec = sweepRecord(rep.r.steps, design, rate);
    if (rec?.result?.sustained === true) best = { rate, record: rec };
  }
  return best;
}

const sweepFigure = (rep: Report, design: Design, rate: number, key: string) => {
  const v = sweepRecord(rep.r.steps, design, rate)?.result?.[key];
  return typeof v === "number" ? v : undefined;
};

/** Calls without fauxqs' extra empty receives (AWS does not make them), 64 KiB payload units included. */
const billedWithoutEmpty = (f: Figures | undefined) =>
  f && typeof f.billed_requests_per_million_frames === "number" ? (f.billed_requests_per_million_frames as number) - (f.empty_receives_per_million_frames as number) : undefined;

function summaryTable(rep: Report): string {
  const unaccounted = Object.entries(rep.figures("socketcan") ?? {}).filter(([k]) => k.endsWith("_unaccounted_frames"));
  const naiveBest = bestLoad(rep, "naive");
  const canferryBest = bestLoad(rep, "canferry");
  const p95Ratio = ratio(sweepFigure(rep, "naive", COMMON_LOAD, "e2e_p95_ms"), sweepFigure(rep, "canferry", COMMON_LOAD, "e2e_p95_ms"));
  const baselineCalls = (["naive", "sqs-consumer"] as const).map((d) => sweepFigure(rep, d, COMMON_LOAD, "sqs_calls_per_million_frames_without_empty_receives"));
  const callRatios = baselineCalls.map((b) => ratio(b, rep.get("e2e", "sqs_calls_per_million_frames_without_empty_receives")));
  const callRatiosLow = baselineCalls.map((b) => ratio(b, sweepFigure(rep, "canferry", COMMON_LOAD, "sqs_calls_per_million_frames_without_empty_receives")));
  const rows: [string, string, string, boolean | undefined][] = [
    ["ingest, generator → buffer", `${rep.v("ingest", "frames_per_s")} frames/s`, "≥ 1,000,000", (rep.get("ingest", "frames_per_s") ?? -1) >= 1e6],
    ["SavvyCAN capture in the buffer file", `${rep.v("ingest", "savvycan_bytes_per_frame_disk")} B/frame`, "< 8", (rep.get("ingest", "savvycan_bytes_per_frame_disk") ?? 99) < 8],
    ["end-to-end P95, 20,000 frames/s on 4 buses, defaults", `${rep.v("e2e", "e2e_p95_ms")} ms (P99 ${rep.v("e2e", "e2e_p99_ms")} ms)`, "≤ 150 ms", (rep.get("e2e", "e2e_p95_ms") ?? 1e9) <= 150],
    ["queue age P95, same run", `${rep.v("e2e", "queue_age_p95_ms")} ms`, "≤ 50 ms", (rep.get("e2e", "queue_age_p95_ms") ?? 1e9) <= 50],
    ["SQS calls per million frames, same run", `${rep.v("e2e", "sqs_calls_per_million_frames_without_empty_receives")} (${rep.v("e2e", "sqs_calls_per_million_frames")} counting fauxqs' empty receives)`, "≤ 2,000", (rep.get("e2e", "sqs_calls_per_million_frames_without_empty_receives") ?? 1e9) <= 2000],
    ["gateway RSS, as deployed, same load", `${rep.v("e2e", "gateway_rss_peak_mb")} MB (${rep.v("e2e_nojit", "gateway_rss_peak_mb")} MB with \`BUN_JSC_useJIT=0\`)`, "< 64 MB", (rep.get("e2e", "gateway_rss_peak_mb") ?? 1e9) < 64],
    ["consumer, preloaded queue → candump files", `${rep.v("consume", "frames_per_s")} frames/s`, "≥ 1,000,000", (rep.get("consume", "frames_per_s") ?? -1) >= 1e6],
    ["backlog drain into SQS after an outage", `${rep.v("outage", "drain_x_realtime")}× real time`, "≥ 50×", (rep.get("outage", "drain_x_realtime") ?? -1) >= 50],
    ["link return → first acknowledged upload", `${rep.v("outage", "first_ack_after_return_ms")} ms`, "< 2 s", (rep.get("outage", "first_ack_after_return_ms") ?? 1e9) < 2000],
    ["live end-to-end P95 during the drain", `${rep.v("outage", "live_e2e_p95_during_drain_ms")} ms`, "< 1 s", (rep.get("outage", "live_e2e_p95_during_drain_ms") ?? 1e9) < 1000],
    ["DBC decoding, Kona EV P-CAN log, one core", `${rep.v("decode", "signals_per_s")} signals/s`, "≥ 2,000,000", (rep.get("decode", "signals_per_s") ?? -1) >= 2e6],
    [
      "SocketCAN, 30,000 frames/s in bursts, default 4 MiB receive buffer (VM)",
      `${rep.v("socketcan", "bursts_30k_4MiB_kernel_dropped_frames")} frames lost (${rep.v("socketcan", "bursts_30k_kernel_default_kernel_dropped_frames")} with the kernel's default buffer)`,
      "lossless",
      rep.figures("socketcan") ? rep.get("socketcan", "bursts_30k_4MiB_kernel_dropped_frames") === 0 : undefined,
    ],
    ["SocketCAN, every case: stored + kernel drops = sent", rep.figures("socketcan") ? `${unaccounted.filter(([, v]) => v !== 0).length} of ${unaccounted.length} cases off` : NOT_MEASURED, "exact accounting", rep.figures("socketcan") ? unaccounted.every(([, v]) => v === 0) : undefined],
    [
      "highest load kept up: canferry / the design it replaces",
      `${fmt(canferryBest?.rate)} / ${fmt(naiveBest?.rate)} frames/s = ${times(ratio(canferryBest?.rate, naiveBest?.rate))}${canferryBest?.rate === LOADS.at(-1) ? " (canferry kept up with the highest load tried)" : ""}`,
      "≥ 10×",
      (ratio(canferryBest?.rate, naiveBest?.rate) ?? 0) >= 10,
    ],
    [`end-to-end P95 at ${fmt(COMMON_LOAD)} frames/s: the design it replaces / canferry`, `${fmt(sweepFigure(rep, "naive", COMMON_LOAD, "e2e_p95_ms"))} / ${fmt(sweepFigure(rep, "canferry", COMMON_LOAD, "e2e_p95_ms"))} ms = ${times(p95Ratio)}`, "≥ 20×", (p95Ratio ?? 0) >= 20],
    [
      `SQS calls per million frames: each baseline (at ${fmt(COMMON_LOAD)} frames/s; one send per frame at any load) / canferry at 20,000 frames/s`,
      `naive ${times(callRatios[0])}, sqs-consumer ${times(callRatios[1])} (canferry at ${fmt(COMMON_LOAD)} frames/s too: ${times(callRatiosLow[0])}, ${times(callRatiosLow[1])})`,
      "≥ 100×",
      callRatios.every((x) => (x ?? 0) >= 100),
    ],
  ];
  return table(["figure", "measured", "target", "met"], rows.map(([a, b, c, d]) => [a, b, c, met(d)]));
}

/** The designs side by side: the highest load each kept up with, then all of them at the common load. */
function comparisonTable(rep: Report): string {
  const rows = DESIGNS.map((d) => {
    const best = bestLoad(rep, d);
    const at = (k: string) => fmt(sweepFigure(rep, d, COMMON_LOAD, k));
    const f = sweepRecord(rep.r.steps, d, COMMON_LOAD)?.result;
    return [
      d === "canferry" ? "**canferry** (defaults)" : d === "naive" ? "naive: one frame per message, one consumer thread polling every 5 s" : "same edge, bbc's sqs-consumer (batch handler, 10 per receive, 4 instances)",
      best ? `${fmt(best.rate)} (${fmt(best.record.result?.delivered_frames_per_s)} delivered/s)` : NOT_MEASURED,
      `${at("e2e_p50_ms")} / ${at("e2e_p95_ms")} / ${at("e2e_p99_ms")}`,
      at("queue_age_p95_ms"),
      `${at("sqs_calls_per_million_frames_without_empty_receives")} (${at("sqs_calls_per_million_frames")})`,
      fmt(billedWithoutEmpty(f)),
      `${at("gateway_cpu_percent")} % / ${at("gateway_rss_peak_mb")} MB`,
      `${at("consumer_cpu_percent")} % / ${at("consumer_rss_peak_mb")} MB`,
    ];
  });
  return table(
    [
      "design",
      "highest load kept up (frames/s)",
      `e2e P50 / P95 / P99 (ms) at ${fmt(COMMON_LOAD)} frames/s`,
      "queue-age P95 (ms)",
      "SQS calls per million frames, without (with) fauxqs' empty receives",
      "billed requests per million frames",
      "edge CPU / RSS",
      "consumer CPU / RSS",
    ],
    rows,
  );
}

/** Every run of the sweep. */
function sweepTable(rep: Report): string {
  const rows: string[][] = [];
  for (const d of DESIGNS)
    for (const rate of LOADS) {
      const rec = sweepRecord(rep.r.steps, d, rate);
      const f = rec?.result;
      if (!f) {
        rows.push([d, fmt(rate), rec?.skipped ? `not run: ${rec.skipped}` : rec?.error ? "failed" : NOT_MEASURED, "", "", "", "", "", ""]);
        continue;
      }
      rows.push([
        d,
        fmt(rate),
        f.sustained ? "yes" : "**no**",
        fmt(f.delivered_frames_per_s),
        `${fmt(f.e2e_p50_ms)} / ${fmt(f.e2e_p95_ms)} / ${fmt(f.e2e_p99_ms)}`,
        fmt(f.queue_age_p95_ms),
        fmt(f.sqs_calls_per_million_frames_without_empty_receives),
        `${fmt(f.gateway_cpu_percent)} % / ${fmt(f.gateway_rss_peak_mb)} MB`,
        `${fmt(f.consumer_cpu_percent)} % / ${fmt(f.consumer_rss_peak_mb)} MB`,
      ]);
    }
  return table(["design", "offered (frames/s)", "kept up", "delivered/s", "e2e P50 / P95 / P99 (ms)", "queue-age P95 (ms)", "SQS calls per million (without empty receives)", "edge CPU / RSS", "consumer CPU / RSS"], rows);
}

function costTable(rep: Report): string {
  const framesPerDay = COST_FRAME_RATE * 86_400;
  const rows = DESIGNS.map((d) => {
    const perMillion = billedWithoutEmpty(sweepRecord(rep.r.steps, d, COST_FRAME_RATE)?.result);
    const perDay = perMillion === undefined ? undefined : Math.round((perMillion * framesPerDay) / 1e6);
    const perMonth = perDay === undefined ? undefined : +((perDay * 30 * USD_PER_MILLION_REQUESTS) / 1e6).toFixed(2);
    return [d, fmt(perMillion), fmt(perDay), perMonth === undefined ? NOT_MEASURED : `$${fmt(perMonth)}`];
  });
  return table(["design", "billed requests per million frames", `requests per vehicle-day at ${fmt(COST_FRAME_RATE)} frames/s`, `monthly request cost per vehicle (30 days, $${USD_PER_MILLION_REQUESTS} per million)`], rows);
}

function lingerTable(rep: Report): string {
  const rows = (
    [
      ["10 ms (`--linger 10ms`)", "e2e_linger_10ms"],
      ["**100 ms (default)**", "e2e"],
      ["250 ms (`--linger 250ms`)", "e2e_linger_250ms"],
    ] as const
  ).map(([label, step]) => [
    label,
    `${rep.v(step, "e2e_p50_ms")} / ${rep.v(step, "e2e_p95_ms")} / ${rep.v(step, "e2e_p99_ms")}`,
    rep.v(step, "sqs_calls_per_million_frames_without_empty_receives"),
    rep.v(step, "billed_requests_per_million_frames"),
    `${rep.v(step, "gateway_cpu_percent")} %`,
  ]);
  return table(["linger", "e2e P50 / P95 / P99 (ms)", "SQS calls per million frames (without empty receives)", "billed requests per million", "gateway CPU"], rows);
}

function memoryTable(rep: Report): string {
  const rows = (
    [
      ["as deployed (JIT on)", "e2e"],
      ["as deployed with `BUN_JSC_useJIT=0`", "e2e_nojit"],
    ] as const
  ).map(([label, step]) => [
    label,
    `${rep.v(step, "seconds")} s`,
    `${rep.v(step, "gateway_rss_peak_mb")} MB`,
    `${rep.v(step, "gateway_rss_anon_peak_mb")} MB`,
    `${rep.v(step, "gateway_rss_file_peak_mb")} MB`,
    `${rep.v(step, "gateway_cpu_percent")} %`,
    `${rep.v(step, "e2e_p95_ms")} ms`,
  ]);
  return table(["gateway run (20,000 frames/s, 4 buses)", "length", "RSS peak", "anonymous", "file-backed", "CPU", "e2e P95"], rows);
}

function socketcanTable(rep: Report): string {
  const loads = [
    ["full_speed", "full speed (`cangen -g 0 -p 10`)"],
    ["bursts_30k", "30,000 frames/s in bursts of 300 (`-g 10 -c 300`)"],
  ];
  const buffers = [
    ["kernel_default", "kernel default (208 KiB)"],
    ["64KiB", "64 KiB"],
    ["1MiB", "1 MiB"],
    ["4MiB", "**4 MiB (default)**"],
  ];
  const sent = (l: string, b: string, k: string) => rep.v("socketcan", `${l}_${b}_${k}`);
  const rows = loads.flatMap(([l, ll]) =>
    buffers.map(([b, bl]) => [ll!, bl!, sent(l!, b!, "sent_frames_per_s"), sent(l!, b!, "stored_frames_per_s"), sent(l!, b!, "kernel_dropped_frames"), sent(l!, b!, "unaccounted_frames")]),
  );
  return table(["load", "receive buffer", "sent frames/s", "stored frames/s", "kernel drops", "unaccounted"], rows);
}

const TABLES: Record<string, (rep: Report) => string> = {
  summary: summaryTable,
  comparison: comparisonTable,
  sweep: sweepTable,
  cost: costTable,
  linger: lingerTable,
  memory: memoryTable,
  socketcan: socketcanTable,
};

type Series = { t: number; mb: number }[];
const seriesOf = (rep: Report, step: string) => rep.step(step)?.series as Record<string, unknown> | undefined;

const CHARTS_BY_NAME: Record<string, { alt: string; spec: (rep: Report) => Parameters<typeof renderSvg>[0] }> = {
  latency_vs_load: {
    alt: "End-to-end latency percentiles against offered load for canferry and the two baselines",
    spec: (rep) => {
      const points: LoadPoint[] = [];
      for (const d of DESIGNS)
        for (const rate of LOADS) {
          const f = sweepRecord(rep.r.steps, d, rate)?.result;
          if (!f) continue;
          for (const [p, k] of [["P50", "e2e_p50_ms"], ["P95", "e2e_p95_ms"], ["P99", "e2e_p99_ms"]] as const)
            points.push({ design: d, offered: rate, percentile: p, ms: Math.max(1, f[k] as number), kept_up: f.sustained === true });
        }
      return latencyVsLoad(points, SLA_MS);
    },
  },
  backlog_drain: {
    alt: "Frames of the outage backlog not yet delivered, against seconds since the link returned",
    spec: (rep) =>
      backlogDrain(
        ((seriesOf(rep, "outage")?.backlog as { t_s: number; backlog_frames: number }[]) ?? []).map((p) => ({ t_s: p.t_s, backlog_frames: p.backlog_frames })),
        `Backlog drain after an outage: ${rep.v("outage", "backlog_frames")} frames (${rep.v("outage", "drain_x_realtime")}× real time)`,
      ),
  },
  rss_over_time: {
    alt: "Resident memory over time of canferry's gateway and consumer and of the baselines' processes",
    spec: (rep) => {
      const points: RssPoint[] = [];
      const add = (design: Design, step: string, key: string, label: string) => {
        for (const p of ((seriesOf(rep, step)?.[key] as Series) ?? [])) points.push({ design, process: label, t_s: p.t, mb: p.mb });
      };
      add("canferry", "e2e", "gateway_rss_mb", "canferry gateway, 20,000 frames/s");
      add("canferry", "e2e_nojit", "gateway_rss_mb", "canferry gateway, JIT off, 20,000 frames/s");
      add("canferry", "e2e", "consumer_rss_mb", "canferry consumer, 20,000 frames/s");
      add("naive", "load_naive_1000", "gateway_rss_mb", "naive producer, 1,000 frames/s");
      add("naive", "load_naive_1000", "consumer_rss_mb", "naive consumer, 1,000 frames/s");
      add("sqs-consumer", "load_sqs_consumer_1000", "consumer_rss_mb", "sqs-consumer consumer, 1,000 frames/s");
      return rssOverTime(points);
    },
  },
  bytes_per_frame: {
    alt: "Bytes per CAN frame in canferry's buffer and in SQS message bodies, per design",
    spec: (rep) => {
      const bars: BytesBar[] = [];
      const add = (what: string, design: string, v: number | undefined) => v !== undefined && bars.push({ what, design, bytes: v });
      add("canferry buffer on disk (SavvyCAN capture)", "canferry", rep.get("ingest", "savvycan_bytes_per_frame_disk"));
      add("canferry SQS body, 20,000 frames/s", "canferry", rep.get("e2e", "sqs_bytes_per_frame"));
      add("canferry SQS body, 1,000 frames/s", "canferry", sweepFigure(rep, "canferry", 1000, "sqs_bytes_per_frame"));
      add("naive SQS body (one JSON frame per message)", "naive", sweepFigure(rep, "naive", 1000, "sqs_bytes_per_frame"));
      add("sqs-consumer baseline SQS body (same edge)", "sqs-consumer", sweepFigure(rep, "sqs-consumer", 1000, "sqs_bytes_per_frame"));
      return bytesPerFrame(bars);
    },
  },
};

function machineLine(r: BenchResults): string {
  const m = r.machine;
  return `${m.cpus} cores (${m.cpu_model}), ${m.memory_gib} GiB, Linux ${m.kernel}, Bun ${m.bun}`;
}

/** Where the report goes: docs/ by default; a test renders it elsewhere to compare. */
export interface ReportPaths {
  page: string;
  charts: string;
}

export async function writeReport(results: BenchResults, to: ReportPaths = { page: OUT, charts: CHARTS }): Promise<void> {
  const rep = new Report(results);
  mkdirSync(to.charts, { recursive: true });
  const template = await Bun.file(TEMPLATE).text();
  const charts: string[] = [];
  let body = template.replace(/\{\{(\w+)(?: ([^}]*))?\}\}/g, (all, kind: string, arg = "") => {
    switch (kind) {
      case "v": {
        const [step, key] = arg.split(".");
        return rep.v(step!, key!);
      }
      case "cmd":
        return `\`${rep.r.steps[arg]?.command ?? NOT_MEASURED}\``;
      case "date":
        return rep.r.steps[arg]?.date.slice(0, 10) ?? NOT_MEASURED;
      case "json":
        return ["```json", ...arg.split(" ").map((s: string) => (rep.figures(s) ? JSON.stringify(rep.figures(s)) : `${NOT_MEASURED}: ${s}`)), "```"].join("\n");
      case "table":
        if (!TABLES[arg]) throw new Error(`bench/report.md: no table '${arg}'`);
        return TABLES[arg](rep);
      case "chart":
        if (!CHARTS_BY_NAME[arg]) throw new Error(`bench/report.md: no chart '${arg}'`);
        charts.push(arg);
        return `![${CHARTS_BY_NAME[arg].alt}](bench/${arg}.svg)`;
      case "machine":
        return machineLine(rep.r);
      case "runtime": {
        const s = Object.values(rep.r.steps).reduce((n, x) => n + x.wall_s, 0);
        return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
      }
      default:
        throw new Error(`bench/report.md: unknown placeholder ${all}`);
    }
  });
  for (const name of charts) await Bun.write(join(to.charts, `${name}.svg`), await renderSvg(CHARTS_BY_NAME[name]!.spec(rep)));
  const problems = [...rep.missing].sort().map((s) => {
    const rec = results.steps[s];
    return `- \`${s}\`: ${rec?.skipped ? `not run (${rec.skipped})` : rec?.error ? `failed: ${rec.error}` : "never run"}`;
  });
  if (problems.length) body = body.replace("\n## ", `\nSteps without figures in this report:\n\n${problems.join("\n")}\n\n## `);
  await Bun.write(to.page, body);
}
