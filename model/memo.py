"""What is derived from an object once, kept while the object lives.

Replications that share a draw share their :class:`~model.params.Params` (and
every replication its rules' tables): what an engine derives from them alone
is worth keeping. The objects are frozen dataclasses holding arrays, which
cannot be hashed, so the cache is keyed by identity and forgets an entry when
its object is collected (a weak reference checks that an id is not reused).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def per_object(cache: dict[int, tuple[weakref.ref, Any]], obj: object, build: Callable[[], T]) -> T:
    """``build()``, once for each live ``obj``: kept in ``cache`` until ``obj`` is collected."""
    found = cache.get(id(obj))
    if found is not None and found[0]() is obj:
        return found[1]
    value = build()
    cache[id(obj)] = (weakref.ref(obj), value)
    weakref.finalize(obj, cache.pop, id(obj), None)
    return value
