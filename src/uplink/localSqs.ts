/**
 * A local SQS server (fauxqs) bound to 127.0.0.1 only, for the demo and the tests. fauxqs' own
 * startFauxqs() listens on every interface; a demo on a gateway must not open SQS to the network.
 */
import { buildApp } from "fauxqs";

export interface LocalSqs {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLocalSqs(port = 0): Promise<LocalSqs> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port, host: "127.0.0.1" });
  const actual = Number(new URL(address).port);
  return { endpoint: `http://127.0.0.1:${actual}`, port: actual, stop: () => app.close() };
}
