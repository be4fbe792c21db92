"""The error tree of newsbrief.

Every error the library raises on purpose derives from :class:`NewsbriefError` and carries a
stable machine ``code`` (shared by the CLI and the HTTP API) and the HTTP status the API
answers with. Callers match on the class or the code, never on the message.
"""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base of every error newsbrief raises on purpose."""

    code: str = "internal_error"
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The JSON error body shared by the CLI and the API."""
        return {"code": self.code, "message": self.message}


class InvalidInput(NewsbriefError):
    """The caller's input is malformed (bad URL, bad parameter, unreadable file)."""

    code = "invalid_input"
    http_status = 400


class DestinationRefused(NewsbriefError):
    """The URL points at an address newsbrief must not connect to (SSRF protection)."""

    code = "destination_refused"
    http_status = 403


class FetchFailed(NewsbriefError):
    """Network error, timeout, too many redirects or an upstream error status."""

    code = "fetch_failed"
    http_status = 502


class UnsupportedContent(NewsbriefError):
    """The response is not an HTML page (or cannot be decoded as one)."""

    code = "unsupported_content"
    http_status = 415


class TooLarge(NewsbriefError):
    """The response or request body is larger than the configured cap."""

    code = "too_large"
    http_status = 413


class NoArticle(NewsbriefError):
    """The page holds no article text that could be extracted."""

    code = "no_article"
    http_status = 422


class NotFound(NewsbriefError):
    """A stored item (brief, feed) does not exist."""

    code = "not_found"
    http_status = 404


class Unauthorized(NewsbriefError):
    """The request lacks a valid API key."""

    code = "unauthorized"
    http_status = 401


class Conflict(NewsbriefError):
    """A conditional write lost against a concurrent one."""

    code = "conflict"
    http_status = 409


class StoreUnavailable(NewsbriefError):
    """The storage backend failed or throttled beyond the retry budget."""

    code = "store_unavailable"
    http_status = 503


class InvalidFeed(UnsupportedContent):
    """The document is not a readable RSS, Atom or sitemap feed (or it is malformed)."""

    code = "invalid_feed"
    http_status = 422


class PollTimedOut(FetchFailed):
    """A feed poll ran out of its time budget (the feed's site answered too slowly)."""

    code = "poll_timeout"
    http_status = 504


class SummaryOverBudget(NewsbriefError):
    """A summarizer asked for did not finish within its time budget (the text is too long)."""

    code = "summary_over_budget"
    http_status = 503
