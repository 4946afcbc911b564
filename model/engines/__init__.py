"""The engines behind one interface: ``run_arm(p, pop, ts, ps, ids=None) -> ArmResult``.

Both read the same :class:`~model.params.Params`, population and random
streams and return the same visit log, so the ledger, outcomes, report and
exports never know which engine ran. ``des`` is the SimPy engine, the readable
reference; ``fast`` is the same model compiled with numba (docs/engines.md).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from model.engines.result import ArmResult


class EngineName(StrEnum):
    """The engines, the default first."""

    fast = "fast"
    des = "des"


ENGINES: tuple[str, ...] = tuple(e.value for e in EngineName)
DEFAULT_ENGINE = ENGINES[0]

RunArm = Callable[..., ArmResult]


def engine(name: str) -> RunArm:
    """The ``run_arm`` of engine ``name`` (imported on first use: numba is loaded only for ``fast``)."""
    if name == "des":
        from model.engines.des import run_arm
    elif name == "fast":
        from model.engines.fast import run_arm
    else:
        raise ValueError(f"unknown engine {name!r}; allowed: {', '.join(ENGINES)}")
    return run_arm


__all__ = ["DEFAULT_ENGINE", "ENGINES", "ArmResult", "EngineName", "engine"]
