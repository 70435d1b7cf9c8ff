/**
 * A TCP proxy on 127.0.0.1 between a client and a server, for network-fault tests. `pass` forwards;
 * `blackhole` accepts connections and swallows data both ways, like a dead link that drops packets;
 * `refuse` closes every connection at once; `reset` cuts every connection abruptly (ECONNRESET).
 * Switching modes cuts the connections already open, as a real outage would. `latencyMs` delays
 * every chunk both ways, `bytesPerSecond` throttles the link: a slow but working network.
 */
import type { Socket, TCPSocketListener } from "bun";

export type ProxyMode = "pass" | "blackhole" | "refuse" | "reset";

interface Side {
  upstream?: Socket<Side>;
  pending: Uint8Array[];
  mode: ProxyMode;
}

export class FaultProxy {
  mode: ProxyMode = "pass";
  latencyMs = 0;
  /** 0: unlimited. */
  bytesPerSecond = 0;
  /** When each direction's throttled link is free again (ms since epoch). */
  private readonly freeAt = { up: 0, down: 0 };
  private listener?: TCPSocketListener<Side>;
  private readonly clients = new Set<Socket<Side>>();

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    return this.listener!.port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(): this {
    const self = this;
    this.listener = Bun.listen<Side>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          client.data = { pending: [], mode: self.mode };
          self.clients.add(client);
          if (self.mode === "refuse") return void client.end();
          if (self.mode === "reset") return void client.terminate();
          if (self.mode === "blackhole") return;
          void Bun.connect<Side>({
            hostname: self.target.host,
            port: self.target.port,
            socket: {
              open(up) {
                up.data = { pending: [], mode: "pass", upstream: client };
                client.data.upstream = up;
                for (const chunk of client.data.pending) up.write(chunk);
                client.data.pending = [];
              },
              data(_up, chunk) {
                if (client.data.mode === "pass") self.forward("down", client, chunk);
              },
              close() {
                client.end();
              },
              error() {
                client.end();
              },
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          if (client.data.mode !== "pass") return;
          if (client.data.upstream) self.forward("up", client.data.upstream, chunk);
          else client.data.pending.push(new Uint8Array(chunk));
        },
        close(client) {
          self.clients.delete(client);
          client.data.upstream?.end();
        },
        error(client) {
          self.clients.delete(client);
          client.data.upstream?.end();
        },
      },
    });
    return this;
  }

  /** Writes a chunk on, after the latency and the throttle's queue; order is kept. */
  private forward(way: "up" | "down", to: Socket<Side>, chunk: Uint8Array): void {
    const now = Date.now();
    let delay = this.latencyMs;
    if (this.bytesPerSecond > 0) {
      const start = Math.max(now, this.freeAt[way]);
      this.freeAt[way] = start + (chunk.length / this.bytesPerSecond) * 1000;
      delay += this.freeAt[way] - now;
    }
    if (delay <= 0) return void to.write(chunk);
    const copy = new Uint8Array(chunk);
    setTimeout(() => to.write(copy), delay);
  }

  /**
   * Changes the mode for new connections. Open ones go silent on `blackhole` and are cut on `refuse`;
   * back on `pass`, blackholed ones stay dead, as TCP connections through a real outage do.
   */
  set(mode: ProxyMode): void {
    this.mode = mode;
    for (const c of this.clients) {
      if (mode === "blackhole") c.data.mode = "blackhole";
      else if (mode === "refuse") {
        c.data.upstream?.end();
        c.end();
      } else if (mode === "reset") {
        c.data.upstream?.terminate();
        c.terminate();
      }
    }
  }

  stop(): void {
    for (const c of this.clients) c.end();
    this.listener?.stop(true);
  }
}
