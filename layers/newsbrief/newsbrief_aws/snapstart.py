"""SnapStart: load the briefing path before Lambda snapshots the initialised API function.

Without SnapStart (locally, in tests, on ``$LATEST``) the read routes stay lean: the HTML parser,
sumy and the gazetteer load only when a route briefs something (sumy's summarizers, with NLTK
and numpy, only when a request asks for one of them). With SnapStart (template.yaml:
the API's published versions) Lambda runs the before-snapshot hook once per published version,
so every restored environment starts with them loaded and pays nothing for them.

What the hook does is safe to freeze: imports, parsed data files, one brief of built-in text and
the AWS SDK's parsed service models. It opens no connection and creates no AWS client (clients
would capture credentials): those are still built lazily by ``bootstrap`` on the first request
after a restore, only faster, from the models already in memory.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

# The modules the briefing routes (POST /articles, POST /summarize) import on first use.
WARM_MODULES = (
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

# The services the functions' clients talk to (bootstrap: the table, the queue, the event bus).
AWS_SERVICES = ("dynamodb", "sqs", "events")

_log = logging.getLogger(__name__)


def warm_aws_sdk() -> None:
    """Parse the service models into boto3's default session, without resolving credentials.

    Creating a client is half JSON parsing of botocore's models (about 100 ms per cold start
    here); the session keeps them, and ``boto3.client`` reuses the default session.
    """
    import boto3
    import botocore.session

    core = botocore.session.get_session()
    for service in AWS_SERVICES:
        core.get_service_model(service)
    core.get_component("endpoint_resolver")
    boto3.setup_default_session(botocore_session=core)


def warm_read_path() -> None:
    """The read function's warm-up: the AWS SDK only (it never briefs); never fails."""
    try:
        warm_aws_sdk()
    except Exception:  # noqa: BLE001 - a warm-up failure must not block publishing
        _log.warning("snapstart warm-up of the AWS SDK failed", exc_info=True)


def warm_before_snapshot() -> None:
    """Import the briefing path and brief a built-in text; never fails the snapshot."""
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a stage missing here would fail its route anyway, visibly
            _log.warning("snapstart warm-up could not import %s", name)
    warm_read_path()  # the briefing routes read and write the table too
    try:
        from newsbrief.pipeline import brief_text
        from newsbrief.sites import registrable_domain

        brief_text(WARM_TEXT, title="Northhaven approves tram line")
        registrable_domain("news.example.co.uk")  # parses the bundled Public Suffix List
    except Exception:  # noqa: BLE001 - a warm-up failure must not block publishing
        _log.warning("snapstart warm-up brief failed", exc_info=True)
    warm_sumy()


def warm_sumy() -> None:
    """Import sumy's summarizers (and NLTK, numpy: ~0.4 s) for requests that ask for one."""
    from newsbrief.sumy_algorithms import SUMMARIZERS

    for module, _ in SUMMARIZERS.values():
        try:
            importlib.import_module(module)
        except ImportError:  # that algorithm's requests will fail visibly; the others work
            _log.warning("snapstart warm-up could not import %s", module)


def register(warm: Callable[[], None] = warm_before_snapshot) -> bool:
    """Register ``warm`` as a before-snapshot hook; ``False`` where there is no SnapStart.

    ``snapshot_restore_py`` ships with Lambda's Python managed runtimes (3.12+); the project
    does not install it, so its absence simply means "not on Lambda".
    """
    try:
        from snapshot_restore_py import register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(warm)
    return True
