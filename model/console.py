"""The terminals the commands write to: every text shown as it is, never read as markup.

Scenario, department and file names are the user's text; rich would read
``[/x]`` in one as markup and fail, or hide ``[bold]``. So the consoles take no
markup at all, tables and titles included, and the few styled words (error,
warning, ok) are styled here as text.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

out_console = Console(markup=False, highlight=False)
err_console = Console(stderr=True, markup=False, highlight=False)


def labelled(label: str, style: str, message: object) -> Text:
    """``label`` in ``style``, then the message as plain text."""
    return Text.assemble((label, style), " ", str(message))


def error(message: object) -> None:
    err_console.print(labelled("error", "red", message), soft_wrap=True)


def warning(message: object) -> None:
    err_console.print(labelled("warning", "yellow", message), soft_wrap=True)


def ok(message: object) -> None:
    out_console.print(labelled("ok", "green", message), soft_wrap=True)
