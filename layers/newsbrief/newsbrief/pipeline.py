"""The order of the stages and the policy between them.

fetch -> extract -> summarize -> entities, producing a :class:`~newsbrief.models.Brief`.
Storage policy (skip a URL already briefed, refresh) lives with the callers that own a store;
this module only builds briefs. Stages are imported lazily so that code paths that never brief
(the API's read routes) do not pay for the HTML parser or sumy at start-up.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from .brief_schema import Brief, EntityOut
from .errors import InvalidInput, NoArticle, SummaryOverBudget
from .models import DEFAULT_ALGORITHM, Algorithm, Article, Page, check_algorithm
from .settings import FetchSettings
from .sites import same_site
from .urls import normalize_url, source_of

DEFAULT_SENTENCES = 3
MAX_SENTENCES = 20
# The summary and the entities are computed on the text's first 200,000 characters (~30,000
# words, ten times a long feature): no news article is longer, and past it the text is a
# transcript, a dump or noise whose analysis would cost seconds of CPU per extra MiB. The
# brief's text and word count stay whole.
MAX_ANALYSED_CHARS = 200_000


def brief_id(canonical_url: str | None, text: str = "") -> str:
    """The stable id of a brief: a hash of its canonical URL (of its text when it has no URL)."""
    key = normalize_url(canonical_url) if canonical_url else "text:" + text
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


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


def summarize_within_budget(
    text: str,
    sentences: int,
    language: str | None,
    title: str | None,
    algorithm: Algorithm = DEFAULT_ALGORITHM,
) -> tuple[list[str], Algorithm]:
    """The summary by ``algorithm`` and who made it: newsbrief's scorer when that one overran.

    A brief always gets a summary: sumy's slower algorithms give up on a text too long for
    their time budget, and newsbrief's linear scorer takes over.
    """
    from .summarize import summarize_text

    analysed = analysed_part(text)
    try:
        summary = summarize_text(analysed, sentences, language, title, algorithm)
    except SummaryOverBudget:
        algorithm = DEFAULT_ALGORITHM
        summary = summarize_text(analysed, sentences, language, title)
    return summary, algorithm


def resummarize(
    brief: Brief, sentences: int = DEFAULT_SENTENCES, algorithm: str = DEFAULT_ALGORITHM
) -> Brief:
    """``brief`` with its summary chosen again from its own text by ``algorithm``.

    Nothing is fetched: a stored brief answers a request for another algorithm this way.
    """
    sentences, algorithm = _check_sentences(sentences), check_algorithm(algorithm)
    summary, made_by = summarize_within_budget(
        brief.text, sentences, brief.language, brief.title, algorithm
    )
    return brief.model_copy(update={"summary": summary, "summary_algorithm": made_by})


def build_brief(
    article: Article,
    url: str | None = None,
    sentences: int = DEFAULT_SENTENCES,
    fetched_url: str | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
) -> Brief:
    """Summarize an extracted article and list its entities: the shared tail of every path.

    ``url`` is the URL asked for; ``fetched_url`` the one the content really came from (after
    redirects; ``url`` when not given), which decides whether the page's canonical URL names
    the brief (see :func:`identity_url`).
    """
    from .entities import find_entities
    from .sentences import split_paragraphs

    sentences, algorithm = _check_sentences(sentences), check_algorithm(algorithm)
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
    summary, made_by = summarize_within_budget(text, sentences, language, article.title, algorithm)
    entities = find_entities(analysed_part(text), language=language, title=article.title)
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
        summary_algorithm=made_by,
        entities=[
            EntityOut(name=e.name, type=e.type, count=e.count, mentions=list(e.mentions))
            for e in entities
        ],
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        site_name=article.site_name,
        top_image=article.top_image,
    )


def brief_page(
    page: Page, sentences: int = DEFAULT_SENTENCES, algorithm: str = DEFAULT_ALGORITHM
) -> Brief:
    """Brief an already fetched or read HTML page."""
    from .extract import extract_article

    fetched = page.final_url or page.url or None
    article = extract_article(page.html, url=fetched)
    return build_brief(
        article,
        url=page.url or None,
        sentences=sentences,
        fetched_url=fetched,
        algorithm=algorithm,
    )


def brief_html(
    html: str,
    url: str | None = None,
    sentences: int = DEFAULT_SENTENCES,
    algorithm: str = DEFAULT_ALGORITHM,
) -> Brief:
    """Brief HTML the caller already has (nothing is fetched)."""
    page = Page(url=url or "", final_url=url or "", html=html)
    return brief_page(page, sentences=sentences, algorithm=algorithm)


def brief_text(
    text: str,
    url: str | None = None,
    title: str | None = None,
    sentences: int = DEFAULT_SENTENCES,
    algorithm: str = DEFAULT_ALGORITHM,
) -> Brief:
    """Brief plain text: no extraction, the text is the article body."""
    article = Article(text=text, title=title)
    return build_brief(article, url=url, sentences=sentences, algorithm=algorithm)


def brief_url(
    url: str,
    sentences: int = DEFAULT_SENTENCES,
    settings: FetchSettings | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
) -> Brief:
    """Fetch ``url`` and brief it."""
    from .fetch import fetch_page

    _check_sentences(sentences)
    check_algorithm(algorithm)  # before the fetch: a bad parameter costs no request
    page = fetch_page(url, settings=settings)
    return brief_page(page, sentences=sentences, algorithm=algorithm)
