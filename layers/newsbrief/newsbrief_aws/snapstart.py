"""SnapStart: load the briefing path before Lambda snapshots the initialised API function.

Without SnapStart (locally, in tests, on ``$LATEST``) the read routes stay lean: the HTML parser,
sumy and the gazetteer load only when a route briefs something. With SnapStart (template.yaml:
the API's published versions) Lambda runs the before-snapshot hook once per published version,
so every restored environment starts with them loaded and pays nothing for them.

What the hook does is safe to freeze: imports, parsed data files and one brief of built-in text.
It opens no connection and creates no AWS client (clients would capture credentials): those are
still built lazily by ``bootstrap`` on the first request after a restore.
"""

from __future__ import annotations

import importlib
import logging

# The modules the briefing routes (POST /articles, POST /summarize) import on first use.
WARM_MODULES = (
    "boto3",
    "newsbrief.fetch",
    "newsbrief.extract",
    "newsbrief.summarize",
    "newsbrief.entities",
    "newsbrief.language",
)
# Built-in text briefed once so the stages' lazy caches (tokenizers, stop words, gazetteer)
# are filled in the snapshot too. Made up; long enough for a three-sentence summary.
WARM_TEXT = (
    "The city council of Northhaven approved a new tram line on Tuesday. "
    "Mayor Ellen Brandt said construction would start in the spring. "
    "The line will connect the harbour district with the university campus. "
    "Opponents argued that the budget of the project was too large. "
    "The regional transport authority will operate the trams from next year."
)

_log = logging.getLogger(__name__)


def warm_before_snapshot() -> None:
    """Import the briefing path and brief a built-in text; never fails the snapshot."""
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a stage missing here would fail its route anyway, visibly
            _log.warning("snapstart warm-up could not import %s", name)
    try:
        from newsbrief.pipeline import brief_text

        brief_text(WARM_TEXT, title="Northhaven approves tram line")
    except Exception:  # noqa: BLE001 - a warm-up failure must not block publishing
        _log.warning("snapstart warm-up brief failed", exc_info=True)


def register() -> bool:
    """Register the warm-up as a before-snapshot hook; ``False`` where there is no SnapStart.

    ``snapshot_restore_py`` ships with Lambda's Python managed runtimes (3.12+); the project
    does not install it, so its absence simply means "not on Lambda".
    """
    try:
        from snapshot_restore_py import register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(warm_before_snapshot)
    return True
