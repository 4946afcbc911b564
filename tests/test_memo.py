"""What engines derive from a Params once: kept while it lives, forgotten with it, never another object's."""

from __future__ import annotations

import gc

from model.memo import per_object


class _Thing:
    pass


def test_built_once_while_the_object_lives_and_forgotten_with_it():
    cache: dict = {}
    built: list[int] = []
    a, b = _Thing(), _Thing()
    assert per_object(cache, a, lambda: built.append(1) or "a") == "a"
    assert per_object(cache, a, lambda: built.append(1) or "again") == "a"
    assert per_object(cache, b, lambda: built.append(2) or "b") == "b"
    assert built == [1, 2]
    del a
    gc.collect()
    assert list(cache) == [id(b)]


def test_an_entry_of_a_collected_object_is_not_taken_for_another():
    cache: dict = {}
    a = _Thing()
    per_object(cache, a, lambda: "old")
    dead = cache[id(a)][0]
    del a
    gc.collect()
    c = _Thing()
    cache[id(c)] = (dead, "old")  # as if c had been given a's id before a's entry was removed
    assert per_object(cache, c, lambda: "new") == "new"
