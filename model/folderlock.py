"""One run at a time in a run folder: an exclusive lock the operating system drops when its holder dies.

Two runs given the same ``--out`` would otherwise write the same checkpoints
and rename the same folder. The lock is advisory (``flock`` on POSIX,
``msvcrt.locking`` on Windows) and held on a file inside the folder being
written; a run killed by any signal releases it, so nothing has to be
cleaned up before the next run.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class Busy(Exception):
    """Another process holds the lock."""


class FolderLock:
    """``with FolderLock(path):`` holds ``path`` (created if need be) exclusively, or raises :class:`Busy`."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            raise Busy(str(self.path)) from None
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def hold_staging(out: Path, lock_name: str, kind: str) -> tuple[Path, FolderLock]:
    """``<out>.partial``, created and locked, for a ``kind`` ("run", "calibration") that writes ``out``.

    Refused with a clear :class:`~model.errors.AmsimError` when ``out`` exists, another process holds the
    folder, or it cannot be created.
    """
    from model.errors import AmsimError

    staging = out.with_name(out.name + ".partial")
    try:
        if out.exists() or out.is_symlink():
            raise AmsimError(f"{out}: {kind} folder already exists; choose another --out")
        staging.mkdir(parents=True, exist_ok=True)
        return staging, FolderLock(staging / lock_name).__enter__()
    except Busy:
        raise AmsimError(
            f"{staging}: another amsim {kind} is writing into this folder now; wait for it or choose another --out"
        ) from None
    except OSError as err:
        raise AmsimError(f"{out}: cannot create the {kind} folder here: {err.strerror or err}") from None
