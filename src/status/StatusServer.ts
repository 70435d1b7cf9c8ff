/**
 * Every canferry process serves its state over HTTP (Hono on Bun.serve): / (a status page that
 * draws from the two JSON routes below), /healthz (alive), /readyz
 * (buffer open and source running; the uplink may be down, since buffering is the job), /status
 * (JSON), /history (the last hour, for the page), /metrics (Prometheus text). Bound to 127.0.0.1 by
 * default; on any other address a bearer
 * token is required, compared in constant time. Unknown routes 404, wrong methods 405, and errors
 * never show a stack trace.
 */
import { Hono } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { ConfigError } from "../config/ConfigError.ts";
import statusPage from "./statusPage.html" with { type: "text" };

export interface StatusSource {
  /** The process's state for /status. */
  status(): Record<string, unknown>;
  /** Whether /readyz answers 200. */
  ready(): boolean;
  /** Prometheus text exposition for /metrics. */
  metrics(): string;
  /** The key figures in one line (systemctl status). */
  statusLine(): string;
  /** The last hour of key figures, every 10 s, for the status page (/history). */
  history(): readonly Record<string, number | null>[];
}

export interface StatusServerOptions {
  /** `HOST:PORT`; port 0 picks a free one. */
  bind: string;
  /** Required when `bind` is not a loopback address. */
  token?: string;
}

/** bun-types types an .html import as a fullstack bundle; `type: "text"` makes it the file's text. */
const STATUS_PAGE = statusPage as unknown as string;

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function parseBind(bind: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(bind);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) throw new ConfigError(`status.bind = "${bind}": expected HOST:PORT, e.g. 127.0.0.1:8080`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export function createStatusApp(source: StatusSource, token: string | undefined): Hono {
  const app = new Hono();
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c, allow) => c.json({ error: "method not allowed" }, 405, { Allow: allow.join(", ") }) }));
  if (token !== undefined) {
    // hono/bearer-auth answers a malformed header with 400; a status endpoint says 401 to every caller
    // without the right token, and nothing more. Compared in constant time with Hono's helper.
    const expected = `Bearer ${token}`;
    app.use("*", async (c, next) => {
      if (await timingSafeEqual(c.req.header("authorization") ?? "", expected)) return next();
      return c.json({ error: "unauthorized" }, 401, { "WWW-Authenticate": 'Bearer realm="canferry"' });
    });
  }
  app.get("/", (c) => c.html(STATUS_PAGE));
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/readyz", (c) => (source.ready() ? c.text("ready\n") : c.text("not ready\n", 503)));
  app.get("/status", (c) => c.json(source.status()));
  app.get("/history", (c) => c.json(source.history()));
  app.get("/metrics", (c) => c.body(source.metrics(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }));
  app.notFound((c) => c.json({ error: "not found" }, 404));
  // Deliberate answers (401 from the token check) pass through; anything else is a bare 500.
  app.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : c.json({ error: "internal error" }, 500)));
  return app;
}

export interface RunningStatusServer {
  url: string;
  stop(): Promise<void>;
}

export function startStatusServer(source: StatusSource, o: StatusServerOptions): RunningStatusServer {
  const { host, port } = parseBind(o.bind);
  if (!isLoopback(host) && !o.token)
    throw new ConfigError(`status.bind = "${o.bind}" is not a loopback address: set status.token (or CANFERRY_STATUS_TOKEN) so the endpoint needs a bearer token`);
  const app = createStatusApp(source, isLoopback(host) ? undefined : o.token);
  let server;
  try {
    server = Bun.serve({ hostname: host, port, fetch: app.fetch });
  } catch (e) {
    throw new ConfigError(`status.bind = "${o.bind}": cannot listen there (${(e as Error).message}); pick another port or stop what uses it`);
  }
  const shown = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${shown}:${server.port}`, stop: () => server.stop(true) };
}
