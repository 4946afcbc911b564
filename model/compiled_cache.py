"""Keep numba's on-disk cache in step with every source file the compiled code comes from.

numba's cache checks only the file that defines a cached function. The fast
engine's kernel also compiles functions from other files (the transition rules
in hazards.py, numpy's generator in pcg.py, the reference-count helper), so
editing hazards.py alone would leave the fast engine running the old rules
while the SimPy engine ran the new ones. This module stamps the cache folders
with a hash of all those sources and empties them when the hash changes. It
runs when a compiled module is imported, before numba reads its cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

MODEL = Path(__file__).resolve().parent
#: Every source file whose functions end up in cached machine code.
SOURCES = (
    MODEL / "hazards.py",
    MODEL / "counting.py",
    MODEL / "population.py",
    MODEL / "unowned.py",
    MODEL / "ledger_kernel.py",
    MODEL / "participants.py",
    MODEL / "engines" / "pcg.py",
    MODEL / "engines" / "kernel.py",
)
CACHES = (MODEL / "__pycache__", MODEL / "engines" / "__pycache__")
STAMP = "amsim-numba-sources.sha256"

_checked = False


def sources_hash() -> str:
    h = hashlib.sha256()
    for f in SOURCES:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def ensure_fresh() -> None:
    """Empty the cache folders if any compiled source changed since they were filled (once per process)."""
    global _checked
    if _checked:
        return
    _checked = True
    digest = sources_hash()
    elsewhere = os.environ.get("NUMBA_CACHE_DIR")  # numba then keeps every cache under this folder
    for folder in (Path(elsewhere),) if elsewhere else CACHES:
        stamp = folder / STAMP
        with contextlib.suppress(OSError):  # a read-only install: numba keeps its cache elsewhere
            if stamp.is_file() and stamp.read_text().strip() == digest:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            ours = tuple(f"{source.stem}." for source in SOURCES)  # a shared folder holds others' caches too
            for f in [*folder.rglob("*.nbi"), *folder.rglob("*.nbc")]:
                if f.name.startswith(ours):
                    f.unlink(missing_ok=True)
            tmp = folder / f".{STAMP}.tmp"
            tmp.write_text(digest + "\n")
            tmp.replace(stamp)
