"""The runtime as the page loads it: each file's bytes in a classic script (a "pack").

A page opened from disk may not fetch() and its worker may not load files at all, but the page
can load classic scripts. So every file the figures' worker needs (Pyodide's loader, its module,
its wasm, the standard library, the pgcore wheel) ships as one script that stores the file, base64
encoded and, where that pays, gzipped, in `self.pgRuntimePack[name]`. Served, the worker imports
the same scripts; the worker checks every file against its sha256 before using it, so one path,
verified the same way, serves both.

Packs of the pinned runtime are made once and kept in the cache beside it (gzip of 13 MB takes
a good part of a second), each with a sidecar holding its own sha256, which the write stage checks
as it copies the pack into the site (write.Verified).
"""

import base64
import gzip
import hashlib
import json
from pathlib import Path

from .write import Verified

# Text and wasm shrink well under gzip; the standard library is a zip already.
GZIPPED = (".js", ".mjs", ".wasm", ".json")
# Level 6 makes the runtime's packs in half the time of level 9 (0.4 s against 0.9 s here), for
# 0.5 % more bytes. FORMAT names the packs' recipe in the cache, so a change of it is never
# mixed with packs made the old way.
GZIP_LEVEL = 6
FORMAT = f"gz{GZIP_LEVEL}"


def make_pack(name, data):
    """Return the classic script that carries file `name` with contents `data`."""
    packed = name.endswith(GZIPPED)
    payload = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if packed else data
    record = {"gzip": packed, "b64": base64.b64encode(payload).decode("ascii")}
    return (
        f"// {name} for the figures' worker (see site_templates/assets/worker.js)\n"
        f"(self.pgRuntimePack = self.pgRuntimePack || {{}})[{json.dumps(name)}] = "
        f"{json.dumps(record)};\n"
    ).encode("ascii")


def cached_pack(runtime_file, sha256, cache):
    """Return the pack of a pinned runtime file, made once into the cache, as a file to verify."""
    folder = Path(cache) / "packs"
    pack = folder / f"{runtime_file.name}.{sha256[:16]}.{FORMAT}.js"
    sidecar = pack.with_suffix(".sha256")
    if not (pack.is_file() and sidecar.is_file()):
        data = make_pack(runtime_file.name, runtime_file.read_bytes())
        folder.mkdir(parents=True, exist_ok=True)
        for target, content in ((pack, data), (sidecar, _sha256(data).encode("ascii"))):
            scratch = target.with_name(f".{target.name}.tmp")
            scratch.write_bytes(content)
            scratch.replace(target)
    advice = f"delete {pack} and {sidecar.name} and build again"
    return Verified(pack, sidecar.read_text(encoding="ascii").strip(), advice)


def _sha256(data):
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()
