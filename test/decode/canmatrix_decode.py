"""Decodes a candump log with a DBC file using canmatrix (Debian's python3-canmatrix), the independent
implementation canferry's decoder is compared with. One JSON line per frame the DBC defines:
{"line": N, "signals": [[name, value], ...]} with numbers as exact decimal strings ({"num": "..."})
and value-table names as plain strings, or {"line": N, "refused": "why"} when canmatrix will not
decode it."""
import json
import re
import sys

import canmatrix
import canmatrix.formats

FRAME = re.compile(r"^\(\d+\.\d+\)\s+\S+\s+([0-9A-Fa-f]+)#([0-9A-Fa-f]*)\s*$")


def value(decoded):
    v = decoded.named_value
    return v if isinstance(v, str) else {"num": str(v)}


db = canmatrix.formats.loadp_flat(sys.argv[1])
out = sys.stdout
for n, line in enumerate(open(sys.argv[2]), start=1):
    m = FRAME.match(line)
    if not m:
        continue
    ident = m.group(1)
    frame = db.frame_by_id(canmatrix.ArbitrationId(int(ident, 16), extended=len(ident) == 8))
    if frame is None:
        continue
    try:
        signals = frame.decode(bytearray.fromhex(m.group(2)))
    except Exception as e:  # canmatrix reports a length mismatch (and other refusals) by raising
        out.write(json.dumps({"line": n, "refused": f"{type(e).__name__}: {e}"}) + "\n")
        continue
    out.write(json.dumps({"line": n, "signals": [[k, value(s)] for k, s in signals.items()]}) + "\n")
