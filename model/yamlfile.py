"""YAML as amsim reads it: the safe loader, through libyaml's C parser where PyYAML was built with it.

The C parser builds the same documents as the pure-Python one (the same safe
constructor and resolver run on its events) about ten times faster: the rules
and a scenario are 15 files, which took most of a second to read.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, faster; raises :class:`yaml.YAMLError` as it does."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader: builds plain data only
