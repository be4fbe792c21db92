"""The order of the stages and the policy between them.

fetch -> extract -> summarize -> entities, producing a :class:`~newsbrief.models.Brief`.
Storage policy (skip a URL already briefed, refresh) lives with the callers that own a store;
this module only builds briefs. Stages are imported lazily so that code paths that never brief
(the API's read routes) do not pay for the HTML parser or sumy at start-up.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from .brief_schema import Brief, EntityOut
from .errors import InvalidInput, NoArticle
from .models import Article, Page
from .settings import FetchSettings
from .sites import hostname_of, same_site

DEFAULT_SENTENCES = 3
MAX_SENTENCES = 20
# The summary and the entities are computed on the text's first 200,000 characters (~30,000
# words, ten times a long feature): no news article is longer, and past it the text is a
# transcript, a dump or noise whose analysis would cost seconds of CPU per extra MiB. The
# brief's text and word count stay whole.
MAX_ANALYSED_CHARS = 200_000


def normalize_url(url: str) -> str:
    """Normalize a URL for identity: lower-case scheme and host, no fragment, no default port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # broken brackets or port: keep the string itself as its identity
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def brief_id(canonical_url: str | None, text: str = "") -> str:
    """The stable id of a brief: a hash of its canonical URL (of its text when it has no URL)."""
    key = normalize_url(canonical_url) if canonical_url else "text:" + text
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def source_of(url: str | None) -> str | None:
    """The site's domain for a URL, without a leading ``www.``."""
    host = hostname_of(url)
    if host is None:
        return None
    return host.removeprefix("www.") or None


def identity_url(declared: str | None, fetched: str | None) -> str | None:
    """The URL a brief is known by: its id and ``source`` come from it.

    A page's declared canonical URL speaks for its own site only: it names the brief when it is
    on the same site as the URL the page was fetched from (the final one, after redirects);
    otherwise any page could claim another site's article and take over its brief. Without a
    fetched URL (HTML or text handed in) there is nothing to check it against, and nothing
    built that way is stored under it.
    """
    if not declared:
        return fetched
    if not fetched or same_site(declared, fetched):
        return declared
    return fetched


def _check_sentences(sentences: int) -> int:
    if isinstance(sentences, bool) or not isinstance(sentences, int):
        raise InvalidInput("sentences must be a whole number")
    if not 1 <= sentences <= MAX_SENTENCES:
        raise InvalidInput(f"sentences must be between 1 and {MAX_SENTENCES}, got {sentences}")
    return sentences


def analysed_part(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """The leading part of ``text`` the summary and entities come from, cut between paragraphs.

    Cut at the last paragraph break before ``limit`` (at a space when a single paragraph is
    longer than that), so no sentence is analysed half.
    """
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind("\n\n")
    if cut < limit // 2:  # one giant paragraph: end at a word instead
        cut = head.rfind(" ")
    return head[:cut].rstrip() if cut > 0 else head


def build_brief(
    article: Article,
    url: str | None = None,
    sentences: int = DEFAULT_SENTENCES,
    fetched_url: str | None = None,
) -> Brief:
    """Summarize an extracted article and list its entities: the shared tail of every path.

    ``url`` is the URL asked for; ``fetched_url`` the one the content really came from (after
    redirects; ``url`` when not given), which decides whether the page's canonical URL names
    the brief (see :func:`identity_url`).
    """
    from .entities import find_entities
    from .sentences import split_paragraphs
    from .summarize import summarize_text

    sentences = _check_sentences(sentences)
    # One canonical layout (paragraphs split by a blank line, hard wraps and odd line breaks
    # joined the way the sentence splitter joins them) so that every summary sentence is a
    # verbatim substring of the text the brief publishes.
    text = "\n\n".join(split_paragraphs(article.text))
    if not text:
        raise NoArticle("no article text found")
    language = article.language
    if not language:
        from .language import detect_language

        language = detect_language(text)
    canonical = article.canonical_url or url
    identity = identity_url(article.canonical_url, fetched_url or url)
    analysed = analysed_part(text)
    summary = summarize_text(
        analysed, sentences=sentences, language=language, title=article.title
    )
    entities = find_entities(analysed, language=language, title=article.title)
    return Brief(
        id=brief_id(identity, text),
        url=url,
        canonical_url=canonical,  # as declared: data, trusted for identity only on its site
        source=source_of(identity),
        title=article.title,
        authors=list(article.authors),
        published=article.published,
        language=language,
        text=text,
        word_count=len(text.split()),
        summary=summary,
        entities=[
            EntityOut(name=e.name, type=e.type, count=e.count, mentions=list(e.mentions))
            for e in entities
        ],
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        site_name=article.site_name,
        top_image=article.top_image,
    )


def brief_page(page: Page, sentences: int = DEFAULT_SENTENCES) -> Brief:
    """Brief an already fetched or read HTML page."""
    from .extract import extract_article

    fetched = page.final_url or page.url or None
    article = extract_article(page.html, url=fetched)
    return build_brief(article, url=page.url or None, sentences=sentences, fetched_url=fetched)


def brief_html(html: str, url: str | None = None, sentences: int = DEFAULT_SENTENCES) -> Brief:
    """Brief HTML the caller already has (nothing is fetched)."""
    return brief_page(Page(url=url or "", final_url=url or "", html=html), sentences=sentences)


def brief_text(
    text: str,
    url: str | None = None,
    title: str | None = None,
    sentences: int = DEFAULT_SENTENCES,
) -> Brief:
    """Brief plain text: no extraction, the text is the article body."""
    return build_brief(Article(text=text, title=title), url=url, sentences=sentences)


def brief_url(
    url: str, sentences: int = DEFAULT_SENTENCES, settings: FetchSettings | None = None
) -> Brief:
    """Fetch ``url`` and brief it."""
    from .fetch import fetch_page

    _check_sentences(sentences)
    page = fetch_page(url, settings=settings)
    return brief_page(page, sentences=sentences)
