/**
 * The benchmark report's charts: Vega-Lite specifications rendered to SVG without a browser. Each
 * function takes the figures a benchmark run produced and returns the SVG text.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const BASE = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: 560,
  height: 280,
  background: "white",
  config: { legend: { labelLimit: 400 }, axis: { labelLimit: 400 } },
} as const;

/** canferry first, then the baselines, in one colour each across every chart. */
const DESIGN_COLOURS = { domain: ["canferry", "naive", "sqs-consumer"], range: ["#1b7837", "#c51b7d", "#2166ac"] };

export interface LoadPoint {
  design: string;
  offered: number;
  percentile: "P50" | "P95" | "P99";
  ms: number;
  kept_up: boolean;
}

/** End-to-end latency percentiles against offered load, one panel per percentile (log-log). */
export function latencyVsLoad(points: LoadPoint[], slaMs: number): TopLevelSpec {
  return {
    $schema: BASE.$schema,
    background: BASE.background,
    config: BASE.config,
    title: "End-to-end latency against offered load (dashed: the 5 s SLA)",
    data: { values: points },
    facet: { column: { field: "percentile", type: "nominal", title: null, sort: ["P50", "P95", "P99"], header: { labelFontSize: 13, labelFontWeight: "bold" } } },
    spec: {
      width: 200,
      height: 260,
      layer: [
        {
          mark: { type: "line", point: { filled: true, size: 60 } },
          encoding: {
            x: { field: "offered", type: "quantitative", title: "offered load (frames/s)", scale: { type: "log" }, axis: { values: [...new Set(points.map((p) => p.offered))], labelAngle: -45, labelOverlap: false } },
            y: { field: "ms", type: "quantitative", title: "end-to-end latency (ms)", scale: { type: "log" } },
            color: { field: "design", type: "nominal", scale: DESIGN_COLOURS, title: "design" },
            shape: { field: "kept_up", type: "nominal", title: "kept up", scale: { domain: [true, false], range: ["circle", "cross"] } },
          },
        },
        { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { y: { datum: slaMs } } },
      ],
    },
  };
}

export interface DrainPoint {
  t_s: number;
  backlog_frames: number;
}

/** The backlog left in the buffer after the link returns, over time. */
export function backlogDrain(points: DrainPoint[], title: string): TopLevelSpec {
  return {
    ...BASE,
    title,
    data: { values: points },
    mark: { type: "area", line: true, color: "#1b7837", opacity: 0.4 },
    encoding: {
      x: { field: "t_s", type: "quantitative", title: "seconds since the link returned" },
      y: { field: "backlog_frames", type: "quantitative", title: "frames not yet at the consumer" },
    },
  };
}

export interface RssPoint {
  process: string;
  design: string;
  t_s: number;
  mb: number;
}

/** Resident memory over time of the processes of each run: a design's processes in shades of its colour. */
export function rssOverTime(points: RssPoint[]): TopLevelSpec {
  const shades: Record<string, string[]> = { canferry: ["#1b7837", "#7fbf7b", "#00441b"], naive: ["#c51b7d", "#e9a3c9"], "sqs-consumer": ["#2166ac", "#92c5de"] };
  const processes = [...new Set(points.map((p) => `${p.design}\n${p.process}`))];
  const used: Record<string, number> = {};
  const range = processes.map((k) => {
    const design = k.split("\n")[0]!;
    const i = (used[design] = (used[design] ?? -1) + 1);
    return shades[design]?.[i] ?? "#888";
  });
  return {
    ...BASE,
    title: "Resident memory (RSS) over time",
    data: { values: points },
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "t_s", type: "quantitative", title: "seconds since start" },
      y: { field: "mb", type: "quantitative", title: "RSS (MB)" },
      color: { field: "process", type: "nominal", title: "process", scale: { domain: processes.map((k) => k.split("\n")[1]!), range } },
    },
  };
}

export interface BytesBar {
  what: string;
  design: string;
  bytes: number;
}

/** Bytes per frame, at rest and on the wire, per design. */
export function bytesPerFrame(bars: BytesBar[]): TopLevelSpec {
  return {
    ...BASE,
    height: 24 * bars.length,
    title: "Bytes per CAN frame",
    data: { values: bars },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "what", type: "nominal", title: null, sort: null },
          x: { field: "bytes", type: "quantitative", title: "bytes per frame" },
          color: { field: "design", type: "nominal", scale: DESIGN_COLOURS, title: "design" },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4 },
        encoding: { y: { field: "what", type: "nominal", sort: null }, x: { field: "bytes", type: "quantitative" }, text: { field: "bytes", type: "quantitative", format: ".1f" } },
      },
    ],
  };
}
