/**
 * An HTTP proxy on 127.0.0.1 in front of an SQS server that answers with injected errors while a
 * fault is on: HTTP 500, HTTP 503, or SQS throttling (HTTP 400, ThrottlingException), as AWS does
 * under trouble. In `pass` mode it forwards each request. It counts the requests in each mode, so a
 * test can tell whether a client backs off.
 */
import type { Server } from "bun";

export type HttpFault = "pass" | "500" | "503" | "throttle";

const ANSWERS: Record<Exclude<HttpFault, "pass">, { status: number; type: string; message: string }> = {
  "500": { status: 500, type: "InternalError", message: "injected internal error" },
  "503": { status: 503, type: "ServiceUnavailable", message: "injected: service unavailable" },
  throttle: { status: 400, type: "com.amazon.coral.availability#ThrottlingException", message: "Rate exceeded" },
};

export class HttpFaultProxy {
  mode: HttpFault = "pass";
  readonly requests: Record<HttpFault, number> = { pass: 0, "500": 0, "503": 0, throttle: 0 };
  /** Answers to these SQS actions (`ChangeMessageVisibilityBatch`) come this many ms late; the server gets the request at once. */
  readonly slowAnswers = new Map<string, number>();
  private server?: Server<undefined>;

  constructor(private readonly target: string) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.server!.port}`;
  }

  start(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (req) => {
        const mode = this.mode;
        this.requests[mode]++;
        if (mode !== "pass") {
          const a = ANSWERS[mode];
          return Response.json(
            { __type: a.type, message: a.message },
            { status: a.status, headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-query-error": `${a.type.split("#").at(-1)};Sender` } },
          );
        }
        const url = new URL(req.url);
        const res = await fetch(this.target + url.pathname + url.search, { method: req.method, headers: req.headers, body: await req.arrayBuffer() });
        const late = this.slowAnswers.get(req.headers.get("x-amz-target")?.replace("AmazonSQS.", "") ?? "");
        if (late) await Bun.sleep(late);
        return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
      },
    });
    return this;
  }

  stop(): void {
    this.server?.stop(true);
  }
}
