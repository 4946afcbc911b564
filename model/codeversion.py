"""Which code computed a result: a digest of the model's source and rule files.

Saved replications are reused only by the same code (model/runfolder.py), and
a Dask worker must run the same code as its client (model/backends/cluster.py).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over every ``.py`` and ``.yaml`` file of the ``model`` package, by path and content."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".yaml") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
