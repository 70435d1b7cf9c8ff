/**
 * docs/wire-format.md promises that a consumer in another language can be written from it alone. This
 * runs the Python reader printed there (Debian's python3 with python3-zstandard) on real messages.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { encodeChunk } from "../../src/chunker/chunkCodec.ts";
import { encodeMessage } from "../../src/uplink/wireFormat.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { ROOT, fixture, tempDir } from "../helpers/cli.ts";

const PYTHON = "/usr/bin/python3";
const hasZstd = spawnSync(PYTHON, ["-c", "import zstandard"]).status === 0;
if (!hasZstd) console.log("python reader test: skipped, needs /usr/bin/python3 with python3-zstandard (apt-get install python3-zstandard)");

test.skipIf(!hasZstd)("the Python reader in docs/wire-format.md decodes real messages exactly", async () => {
  const doc = await Bun.file(join(ROOT, "docs", "wire-format.md")).text();
  const code = /```python\n([\s\S]*?)```/.exec(doc)![1]!;
  const frames = (await Bun.file(fixture("python-can", "transcribed.log")).text()).split("\n").flatMap((l) => {
    const r = parseCandumpLine(l);
    return r.kind === "frame" && r.frame.bus === "can4" ? [r.frame] : [];
  });
  frames.push({ ...frames[0]!, tsUs: frames[0]!.tsUs + 1, tsNs: 123, flags: frames[0]!.flags | 0x80 });
  const enc = encodeChunk("can4", frames);
  const m = encodeMessage(
    { gateway: "g", epoch: "e", bus: "can4", seq: [1, 1], ts: [0, 0], frames: frames.length, codec: "zstd-columns-v1", raw: enc.rawBytes },
    enc.payload,
  );
  const dir = tempDir("python");
  await Bun.write(join(dir, "body.json"), m.body);
  await Bun.write(
    join(dir, "reader.py"),
    `${code}\nimport sys\nenv, frames = decode(open(sys.argv[1]).read())\nprint(json.dumps([dict(f, data=f["data"].hex()) for f in frames]))\n`,
  );
  const r = spawnSync(PYTHON, [join(dir, "reader.py"), join(dir, "body.json")], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  const got = JSON.parse(r.stdout);
  expect(got).toEqual(
    frames.map((f) => ({ bus: f.bus, ts_us: f.tsUs, ts_ns: f.tsNs, id: f.id, flags: f.flags, dlc: f.dlc, data: Buffer.from(f.data).toString("hex") })),
  );
});
