"""Storage policy shared by the API and the worker: brief a URL once, reuse it afterwards.

The core pipeline only builds briefs; this module owns the store and decides when to skip the
fetch (the URL, or the canonical URL it led to, is already briefed) and when to overwrite
(refresh). A stored brief keeps the summary it was made with (newsbrief's, unless its first
request asked for another algorithm); a request for another algorithm is answered from the
stored text, summarized again, and leaves the stored brief as it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from newsbrief.brief_schema import Brief
from newsbrief.errors import NewsbriefError
from newsbrief.models import DEFAULT_ALGORITHM
from newsbrief.pipeline import DEFAULT_SENTENCES, brief_id, brief_url, resummarize
from newsbrief.settings import FetchSettings

from newsbrief_aws.events import BriefEvents
from newsbrief_aws.store import BriefStore

from .observability import record_brief, record_failure


@dataclass(frozen=True, slots=True)
class Outcome:
    """The brief of a URL and whether this call created it (``False``: it was stored)."""

    brief: Brief
    created: bool


def url_key(url: str) -> str:
    """The id a URL is known by before it is fetched (``GET /articles/{id}`` accepts it)."""
    return brief_id(url)


def stored_brief(store: BriefStore, url: str) -> Brief | None:
    """The brief already stored for ``url`` (directly or through its alias), or ``None``."""
    key = url_key(url)
    brief = store.find_brief(key)
    if brief is not None:
        return brief
    record = store.find_url(key)
    if record is not None and record.brief_id:
        return store.find_brief(record.brief_id)
    return None


def _summarized_by(brief: Brief, algorithm: str, sentences: int) -> Brief:
    """``brief`` as stored when ``algorithm`` made its summary, else summarized again (no fetch)."""
    if brief.summary_algorithm == algorithm:
        return brief
    return resummarize(brief, sentences=sentences, algorithm=algorithm)


def ensure_brief(
    store: BriefStore,
    url: str,
    sentences: int = DEFAULT_SENTENCES,
    refresh: bool = False,
    settings: FetchSettings | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    events: BriefEvents | None = None,
) -> Outcome:
    """Return the stored brief of ``url``, fetching and storing it when there is none.

    With ``refresh`` the page is fetched again and the stored brief replaced. Two concurrent
    first calls for one URL both fetch, but only one brief is stored and both return it. The
    answer's summary is always by ``algorithm`` (or newsbrief's, when it ran out of time). A
    new brief (not a refresh) is announced to ``events``.
    """
    if not refresh:
        existing = stored_brief(store, url)
        if existing is not None:
            return Outcome(_summarized_by(existing, algorithm, sentences), created=False)
    started = time.perf_counter()
    try:
        brief = brief_url(url, sentences=sentences, settings=settings, algorithm=algorithm)
    except NewsbriefError as exc:
        record_failure(exc.code)  # one EMF count per cause, for both the API and the worker
        raise
    record_brief(brief, time.perf_counter() - started)
    created = store.save_brief(brief, [url_key(url)], replace=refresh)
    if created and events is not None:
        events.brief_created(brief)
    if not created and not refresh:
        # Another request stored this brief first (or a different URL with the same
        # canonical URL did): answer with what is stored, so every caller sees one brief.
        brief = _summarized_by(store.get_brief(brief.id), brief.summary_algorithm, sentences)
    return Outcome(brief, created=created)
