"""YAML as amsim reads it: the safe loader, bounded, with duplicate keys refused.

Through libyaml's C parser where PyYAML was built with it: the same documents
as the pure-Python one (the same safe constructor and resolver run on its
events) about ten times faster; the rules and a scenario are 15 files.

Before anything is built, the parser's events are counted: a document nested
deeper than :data:`MAX_DEPTH` or that would expand, through its aliases, to
more than :data:`MAX_NODES` values is refused (an "alias bomb" of a few lines
expands to billions; deep nesting crashes the constructor). A mapping that
names a key twice is refused too: YAML would keep the last, silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Deepest nesting of mappings and lists accepted (scenarios and rules use fewer than ten levels)
MAX_DEPTH = 64
#: Most values (scalars, mappings, lists) a document may hold with its aliases expanded
MAX_NODES = 1_000_000
#: Largest file read (a scenario is a few kB, the largest rule file about 20 kB)
MAX_BYTES = 4 << 20


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the constructor says why a key cannot be a key
            if key in seen:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {key!r} is given twice (first {seen[key]}); YAML would keep only the last",
                    key_node.start_mark,
                )
            seen[key] = f"at line {key_node.start_mark.line + 1}"
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


def _bounded(text: str) -> None:
    """Refuse a document too deep, or too large once its aliases are expanded, before it is built."""
    depth = 0
    nodes = 0
    anchored: dict[str, int] = {}  # anchor → values in its node, expanded
    open_: list[tuple[str | None, int]] = []  # collections open: (anchor, values before it)
    for ev in yaml.parse(text, Loader=_BASE):
        if isinstance(ev, yaml.AliasEvent):
            nodes += anchored.get(ev.anchor, 1)
        elif isinstance(ev, yaml.ScalarEvent):
            nodes += 1
            if ev.anchor is not None:
                anchored[ev.anchor] = 1
        elif isinstance(ev, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep (line {ev.start_mark.line + 1})")
            open_.append((ev.anchor, nodes))
            nodes += 1
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1
            anchor, before = open_.pop()
            if anchor is not None:
                anchored[anchor] = nodes - before
        if nodes > MAX_NODES:
            raise yaml.YAMLError(
                f"more than {MAX_NODES:,} values once its aliases (*name) are expanded; "
                "write the values out, or use fewer aliases"
            )


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, bounded and refusing duplicate keys; raises :class:`yaml.YAMLError`."""
    _bounded(text)
    return yaml.load(text, Loader=_Loader)  # a safe loader: builds plain data only


def load_file(path: Path) -> Any:
    """A YAML file, refused unread if larger than :data:`MAX_BYTES`; raises OSError, UnicodeDecodeError or
    :class:`yaml.YAMLError`."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise yaml.YAMLError(f"{size:,} bytes, more than the {MAX_BYTES:,} a scenario or rule file may have")
    return safe_load(path.read_text(encoding="utf-8"))
