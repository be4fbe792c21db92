"""Article metadata: title, authors, dates, language, canonical URL, site name, image, summary line.

The extract stage collects raw signals in its single walk over the page (``<meta>``, ``<link>``,
``<title>``, ``<time>``, the first ``<h1>``, bylines, JSON-LD objects) into :class:`Signals`;
this module turns them into clean values. Nothing here parses HTML, so it stays cheap and is
easy to test with hand-built signals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from html import unescape as html_unescape
from typing import Any

from .dates import DATE_IN_LINE_RE, date_in_text, date_in_url, to_iso8601
from .urls import absolute_url

# JSON-LD types that describe the article itself (schema.org Article and its subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "posting",
    }
)
# JSON-LD types of the page that holds the article (SEO plugins describe both in one graph).
PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "qapage"})
# JSON-LD nests (graphs, lists, mainEntity...); real pages never need more than a few levels
# and a hostile page must not make us recurse without bound.
MAX_JSONLD_DEPTH = 8
MAX_JSONLD_NODES = 2000
# Meta tags that carry the publication date, most trusted first, and the last update's date.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "published",
    "datepublished",
    "published_time",
    "publishdate",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
# The schema.org property, in microdata (<meta itemprop="datePublished">) or a meta name.
SCHEMA_PUBLISHED_META = "datepublished"
AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl")
# Scholarly pages give one tag per author, each holding one name, often "Last, First".
CITATION_AUTHOR_META = ("citation_author", "citation_authors")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
# Datelines read at most, nearest to the article first.
MAX_DATELINES = 3
# A line that shows a date, anywhere on the page: longer lines are prose that mentions one.
MAX_SHOWN_DATE_CHARS = 100

_SPACE_RE = re.compile(r"\s+")
_TITLE_WORD_RE = re.compile(r"\w+")
# An <h1> is the headline when at least this share of its words are in a metadata title.
HEADLINE_SHARED_WORDS = 0.3
# Shorter <h1>s name a section, unless a metadata title is exactly that.
MIN_HEADLINE_WORDS = 3
# Title separators sites put between the headline and their own name ("Headline | Site").
_TITLE_SPLIT_RE = re.compile(r"\s+(?:\||–|—|-|::|·|•|»|/)\s+|\s*\|\s*")
# Words that make a byline an organisation or a role, not a person.
_ORG_WORDS = frozenset(
    """news staff desk team editors editorial newsroom agency agencies press wire reuters afp ap
    associated bloomberg reporters correspondent correspondents media group inc ltd llc corp
    company online magazine times post daily journal herald tribune network service services
    bureau contributors contributor admin administrator redaktion redacción redação
    international global world channel tv radio broadcasting foundation institute university
    association council ministry department office society insider""".split()
)
_BYLINE_NOISE_RE = re.compile(
    r"^(?:(?:written|posted|published|reported|story|text|words|photos?)\s+)?"
    r"(?:by|from|por|von|di|par|oleh|de)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# Separators between names: punctuation, or a conjunction between spaces (lower-case one-letter
# conjunctions only, so the initial in "Sarah E. Needleman" is not an "and"), or the full stop
# after a surname that starts an affiliation ("Jane Doe. Example News").
_AUTHOR_SPLIT_RE = re.compile(
    r"\s*(?:,|;|&|\|)\s*|\s+(?:[Aa]nd|AND|und|y|e|et|dan|with)\s+|(?<=[a-z]{2})\.\s+"
)
_HAS_DIGIT_RE = re.compile(r"\d")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_WEB_ADDRESS_RE = re.compile(r"\.(?:com|org|net|co|io|gov|edu)\b", re.IGNORECASE)
# A label before a byline's names ("Written by", "Posted by", "Author:", "About the author").
_BYLINE_LABEL_RE = re.compile(
    r"\b(?:(?:written|posted|published|reported|authored|article|story|text|words|photos?)\s+)?"
    r"(?:by|von|por|par|oleh)\b\s*:?\s*|\bauthors?\s*:\s*|^(?:about(?:\s+the)?\s+)?author\b\s*:?\s*|^about\b\s*:?\s*",
    re.IGNORECASE,
)
# A note glued to the name before it by a template ("Jane DoePublished May 2, 2025").
_GLUED_NOTE_RE = re.compile(r"(?<=[a-z])(?=(?:Published|Updated|Reviewed|Posted|Edited)\b)")
# Credits of other people after the authors' names: a review, an edit, an update.
_OTHER_CREDIT_RE = re.compile(
    r"\b(?:(?:medically|expert)\s+)?(?:reviewed|fact[- ]checked|edited|updated|illustrated)\b",
    re.IGNORECASE,
)
# Where a byline's names end: a date, a reading time, a bullet, "on <date>".
_BYLINE_END_RE = re.compile(
    DATE_IN_LINE_RE.pattern
    + r"|\s[•∙·⋅]\s?|\bpublished\b|\s(?:on|am|le|el|em)\s+(?=(?:[^\W\d]+,?\s+){0,2}\d)|\b\d+\s*min",
    re.IGNORECASE,
)
# Words of a job title written after a name ("Jane Doe, Senior Editor"): not a second name.
_ROLE_WORDS = frozenset(
    """expert director head editor writer consultant attorney lawyer founder cofounder ceo cto
    coo cfo manager specialist analyst creator engineer grader enthusiast columnist contributor
    reviewer journalist dietitian nutritionist nurse physician doctor professor researcher
    scientist officer president lead coordinator strategist designer developer illustrator
    photographer producer reporter correspondent owner partner associate certified licensed
    senior chief fellow member instructor teacher coach trainer therapist
    advisor adviser planner agent broker""".split()
)
# Labels that author elements hold instead of a name.
_NOT_NAMES = frozenset(
    "fullbio signin author authors writtenby abouttheauthor readmore viewallposts posts "
    "admin administrator staff anonymous unknown undefined null none webmaster "
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday".split()
)
# Degrees and honorifics written after a name ("Jane Doe, PhD").
_CREDENTIALS = frozenset("phd md dr mba msc ma ba bsc rn jr sr esq".split())
# Degrees that start a credential ("M.S. in Electrical Engineering").
_DEGREES = frozenset("phd md mba msc ma ms ba bs bsc mfa jd dvm".split())
# Yoast puts the author in twitter:data1 under this label.
_WRITTEN_BY_LABELS = frozenset({"writtenby", "author", "geschriebenvon", "escritopor", "écritpar"})
_LANG_RE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")
# Words that make a dateline the date of an update, not of publication; templates may glue
# the date on ("UpdatedJanuary 25, 2026").
_UPDATE_RE = re.compile(
    r"(?:(?<![^\W\d])|(?-i:(?<=[a-z])(?=[A-Z])))"
    r"(?:updated?|modified|revised|reviewed|aktualisiert|actualizado|atualizado|"
    r"mis à jour|aggiornato)(?:\b|(?-i:(?=[A-Z])))",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Signals:
    """Raw metadata signals collected while walking the page once."""

    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property -> content
    links: dict[str, str] = field(default_factory=dict)  # lower-cased rel -> href
    title: str | None = None
    html_lang: str | None = None
    h1: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # <time datetime> values, document order
    bylines: list[str] = field(default_factory=list)  # texts of author/byline elements
    header_dates: list[str] = field(default_factory=list)  # datelines just above the article
    text_dates: list[str] = field(default_factory=list)  # datelines inside the article
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # article objects only
    jsonld_pages: list[dict[str, Any]] = field(default_factory=list)  # WebPage objects
    citation_authors: list[str] = field(default_factory=list)  # one name per citation tag

    def add_meta(self, key: str, value: str) -> None:
        """Keep the first non-empty value of each meta key (later duplicates are usually junk).

        Citation authors are the exception: one tag per author, all of them kept.
        """
        key = key.strip().lower()
        value = value.strip()
        if key in CITATION_AUTHOR_META and value:
            self.citation_authors.append(value)
        if key and value and key not in self.meta:
            self.meta[key] = value


def clean_space(text: str) -> str:
    """Collapse whitespace and decode leftover entities ("&#8220;" in double-escaped meta)."""
    if "&" in text:
        text = html_unescape(text)
    return _SPACE_RE.sub(" ", text).strip()


# --- JSON-LD -------------------------------------------------------------------------------


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def parse_jsonld(raw: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The article objects and the web page objects of one JSON-LD script.

    Malformed JSON yields nothing.
    """
    try:
        data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
    except (ValueError, RecursionError):
        return [], []
    found: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack and seen < MAX_JSONLD_NODES:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_JSONLD_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in reversed(node))
        elif isinstance(node, dict):
            types = _types(node)
            if types & ARTICLE_TYPES:
                found.append(node)
            elif types & PAGE_TYPES:
                pages.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                child = node.get(key)
                if isinstance(child, dict | list):
                    stack.append((child, depth + 1))
    return found, pages


def _ld_first(objects: list[dict[str, Any]], key: str) -> Any:
    for obj in objects:
        value = obj.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _ld_text(value: Any) -> str | None:
    """A plain string out of a JSON-LD value that may be a string, list or object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = clean_space(str(value))
        return text or None
    return None


def article_body(signals: Signals) -> str | None:
    """The JSON-LD ``articleBody`` (longest one when the page has several), if any."""
    bodies = [o.get("articleBody") for o in signals.jsonld]
    texts = [b for b in bodies if isinstance(b, str) and b.strip()]
    return max(texts, key=len) if texts else None


# --- title ---------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Text reduced to lower-case word characters, for comparing headlines and names."""
    return re.sub(r"\W+", "", text).lower()


_norm = normalize_text


def _strip_site(title: str, site_name: str | None) -> str:
    """Drop a site name put before or after the headline ("Headline | Site")."""
    parts = [p for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    site = _norm(site_name or "")
    if site:
        kept = [
            p for p in parts if _norm(p) != site and not (len(_norm(p)) > 2 and _norm(p) in site)
        ]
        if kept and len(kept) < len(parts):
            return _join_kept(title, kept)
    # No known site name: a short last (or first) segment is the site, the long one the headline.
    longest = max(parts, key=len)
    if len(longest.split()) >= 4 and all(len(p.split()) <= 4 for p in parts if p is not longest):
        return longest.strip()
    return title


def _join_kept(title: str, kept: list[str]) -> str:
    if len(kept) == 1:
        return kept[0].strip()
    # Keep the original text between the first and last kept parts (it may contain " - ").
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(kept)


def find_title(signals: Signals, site_name: str | None) -> str | None:
    """The headline: the page's visible one, else a metadata title without the site name.

    Metadata titles are often written for search engines ("Best X for 2026 | Site"); the
    ``<h1>`` is what the page calls the article. An ``<h1>`` that shares no words with any
    metadata title is a logo or a section name, not the headline.
    """
    metadata_titles = [
        _ld_text(_ld_first(signals.jsonld, "headline")),
        signals.meta.get("og:title"),
        signals.meta.get("twitter:title"),
        signals.meta.get("headline"),
        signals.title,
    ]
    headline = _visible_headline(signals.h1, metadata_titles, site_name)
    if headline:
        return headline
    h1 = signals.h1[0] if signals.h1 else None
    for raw in [*metadata_titles, h1]:
        if not raw:
            continue
        title = clean_space(raw)
        if h1 and _norm(h1) and _norm(h1) in _norm(title):
            # The visible headline is the cleanest form when the title merely wraps it.
            return clean_space(h1)
        stripped = _strip_site(title, site_name)
        if stripped:
            return stripped
    return None


def _visible_headline(
    h1s: list[str], metadata_titles: list[str | None], site_name: str | None
) -> str | None:
    """The first ``<h1>`` that shares enough words with a metadata title to be the headline."""
    known = {w for raw in metadata_titles if raw for w in _TITLE_WORD_RE.findall(raw.lower())}
    whole = {_norm(raw) for raw in metadata_titles if raw}
    site = _norm(site_name or "")
    for raw in h1s:
        text = clean_space(raw)
        words = set(_TITLE_WORD_RE.findall(text.lower()))
        if not words or (site and _norm(text) == site):
            continue
        if len(words) < MIN_HEADLINE_WORDS and _norm(text) not in whole:
            continue  # "Webcams", "VPN Services": a section's name, unless it is the title
        if len(words & known) >= HEADLINE_SHARED_WORDS * len(words):
            return text
    return None


# --- authors -------------------------------------------------------------------------------


def _person_name(raw: str, site_name: str | None) -> str | None:
    """``raw`` as a person's name, or ``None`` when it is a date, an org, a URL or a role."""
    name = _credited_name(raw)
    if name is None or _HAS_DIGIT_RE.search(name):
        return None
    words = name.split()
    if not 1 < len(words) <= 5:
        return None
    lowered = {w.strip(".,").lower() for w in words}
    if lowered & _ORG_WORDS:
        return None
    if words[0].lower() == "the":
        return None  # "The Water Coolest", "The Associated Press": publications, not people
    site = _norm(site_name or "")
    if site and (_norm(name) in site or site in _norm(name)):
        return None
    # People's names are capitalised words (particles such as "de", "van", "bin" aside).
    capitalised = sum(1 for w in words if w[:1].isupper())
    if capitalised < 2 and not any(not w[:1].isalpha() for w in words):
        return None
    return name


def _credited_name(raw: str) -> str | None:
    """``raw`` as the name of whoever is credited (a person, a team, a pen name).

    ``None`` for what is no name at all: URLs, e-mail addresses and handles, numbers, labels
    ("Full Bio", "About the Author") and sentences.
    """
    name = _BYLINE_NOISE_RE.sub("", clean_space(raw).strip(" ,;:|-–—·")).strip(" ,;:|-–—·")
    if not name or "@" in name or "://" in name or name.startswith("www."):
        return None
    if len(name) > 60 or len(name.split()) > 6 or not any(c.isalpha() for c in name):
        return None
    if name.isdigit() or _norm(name) in _NOT_NAMES or _WEB_ADDRESS_RE.search(name):
        return None  # a web address names the publication, not who wrote
    return name


def _byline_names(raw: str) -> str:
    """The part of a byline that names the authors: labels, other credits and dates cut."""
    text = _GLUED_NOTE_RE.sub(" ", clean_space(raw))
    other = _OTHER_CREDIT_RE.search(text)
    if other is not None:  # "By Jane Doe. Reviewed by Ann Roe": the authors come first
        before = _BYLINE_END_RE.sub(" ", _BYLINE_LABEL_RE.sub(" ", text[: other.start()]))
        text = text[: other.start()] if _WORD_RE.search(before) else text[other.end() :]
    label = None
    for label in _BYLINE_LABEL_RE.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    if label is not None:  # "Dec 23 Written By Jane Doe": the names follow the last label
        text = text[label.end() :]
    return _BYLINE_END_RE.split(text, maxsplit=1)[0]


def _is_role(part: str) -> bool:
    """A job title, not a name ("Senior Editor", "CEO of Example")."""
    return any(w.lower().strip(".,") in _ROLE_WORDS for w in part.split())


def _without_role(part: str, first: bool) -> str:
    """A name with the job title written after it cut ("Jane Doe Senior Editor" -> "Jane Doe").

    Only the byline's first part has a name before its title; a later part with a title in it
    is the title of the name before ("Jane Doe, Home Security Expert"), and names nobody.
    """
    words = part.split()
    for index, word in enumerate(words):
        if word.lower().strip(".,") in _ROLE_WORDS:
            return " ".join(words[:index]) if first and index >= 2 else ""
    return part


def _split_authors(raw: str, site_name: str | None) -> list[str]:
    """The people a visible byline names."""
    names = []
    for index, part in enumerate(_AUTHOR_SPLIT_RE.split(_byline_names(raw))):
        if _is_credential(part):
            continue
        if index and _is_role(part):
            break  # the rest is the title's ("Head of Marketing and Community Development")
        name = _person_name(_without_role(part, index == 0), site_name)
        if name:
            names.append(name)
    if not names:
        other = _OTHER_CREDIT_RE.search(raw)
        if other is not None:  # "Example Makers. Reviewed by Jane Doe": the reviewer is named
            return _split_authors(raw[other.end() :], site_name)
    return names


def _split_credits(raw: str) -> list[str]:
    """The names an author field of the page's metadata credits, people or not."""
    names = []
    for part in _AUTHOR_SPLIT_RE.split(_byline_names(raw)):
        name = _credited_name(part)
        if name and not _is_credential(name):
            names.append(name)
    return names


def _is_credential(text: str) -> bool:
    """A degree or title split off a name ("MD", "Ph.D.", "RD, FAND", "M.A. Journalism")."""
    words = text.replace(".", "").replace("®", "").split()
    if words and "." in text.split()[0] and words[0].lower() in _DEGREES:
        return True  # written with dots, "M.S." is a degree; "Md" can be a given name
    if len(words) == 1:
        return words[0].lower() in _CREDENTIALS or (words[0].isupper() and len(words[0]) <= 6)
    # Several letters-only words: "RN BSN" is credentials, "JANE DOE" a name in capitals.
    return all(w.lower() in _CREDENTIALS or (w.isupper() and len(w) <= 3) for w in words)


def _ld_authors(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if _types(item) & {"organization", "newsmediaorganization", "corporation"}:
                continue  # the publisher marked up as the author, not a byline
            name = item.get("name")
            if isinstance(name, str):
                names.append(name)
        elif isinstance(item, str):
            names.append(item)
    return names


def _meta_authors(signals: Signals) -> list[str]:
    """Author names in meta tags (a Yoast "Written by" twitter label included)."""
    if signals.citation_authors:
        return [_first_last(name) for name in signals.citation_authors]
    names = [signals.meta[k] for k in AUTHOR_META if k in signals.meta]
    for number in "12":
        label = signals.meta.get(f"twitter:label{number}", "")
        if _norm(label) in _WRITTEN_BY_LABELS and f"twitter:data{number}" in signals.meta:
            names.append(signals.meta[f"twitter:data{number}"])
    return names


def _first_last(name: str) -> str:
    """A "Last, First" name ("Roy, Aniruddha") as "First Last"; other names as they are."""
    last, comma, first = name.partition(",")
    if comma and first.strip() and "," not in first:
        return f"{first.strip()} {last.strip()}"
    return name


def find_authors(
    signals: Signals, site_name: str | None, shown: Callable[[str], bool] = lambda name: False
) -> list[str]:
    """Who the page credits as the article's authors, deduplicated.

    People named in the page's metadata (JSON-LD, meta tags) come first, then people named in a
    visible byline. A credit that is no person's name (a team, the publication, a user name)
    counts only when no person is credited and ``shown(name)`` says the page shows it as a
    credit to its readers (metadata alone often names the company that runs the site).
    """
    credited: list[str] = []
    sources: dict[str, str] = {}  # name -> the credit it was split from ("Ann & Bo")
    for raws in (_ld_authors(_ld_first(signals.jsonld, "author")), _meta_authors(signals)):
        for raw in raws:
            for name in _split_credits(raw):
                if name.lower() not in {n.lower() for n in credited}:
                    credited.append(name)
                    sources[name] = clean_space(raw)
        if credited:
            break
    # A person's blog carries its author's name: no site-name test for credited people.
    people = [name for name in credited if _person_name(name, None)]
    if people and len(people) == len(credited):
        return people
    # Byline elements: the first one naming people (later ones are often teasers' bylines).
    for raw in signals.bylines:
        names = _split_authors(raw, site_name)
        if names:
            return list(dict.fromkeys(names))
    if people:
        return people  # the people, without the publication credited beside them
    shown_credits = [name for name in credited if shown(name) or shown(sources[name])]
    if shown_credits or credited:
        return shown_credits
    # No person anywhere: a visible byline that credits a team or the publication ("By Example
    # Staff", or an author element holding just the name).
    # Only the first byline element with words in it: later ones are teasers' or categories.
    for raw in signals.bylines:
        if not _WORD_RE.search(DATE_IN_LINE_RE.sub(" ", raw)):
            continue
        names = [n for n in _split_credits(raw) if not _is_role(n)]
        if names and (_BYLINE_LABEL_RE.search(raw) or clean_space(raw).startswith(names[0])):
            return names
        break
    return []


# --- dates ---------------------------------------------------------------------------------


def find_published(signals: Signals, url: str | None) -> str | None:
    """The publication date as ISO 8601, from the most to the least trustworthy source.

    The date the page shows just above the article comes first: it is what readers are told,
    and metadata is often the CMS's record of another day (the first draft, a re-import).
    A dateline that only says when the article was updated is passed over, unless the
    page states its publication date in schema.org markup alone and shows no other date.
    """
    ld_published = to_iso8601(_ld_text(_ld_first(signals.jsonld, "datePublished")))
    meta_published = {k: to_iso8601(signals.meta.get(k)) for k in PUBLISHED_META}
    stated = [
        ld_published,
        *meta_published.values(),
        *(to_iso8601(raw) for raw in signals.times[:3]),
        to_iso8601(_ld_text(_ld_first(signals.jsonld, "dateCreated"))),
    ]
    modified = [
        to_iso8601(raw)
        for raw in (
            _ld_text(_ld_first(signals.jsonld, "dateModified")),
            *(signals.meta.get(k) for k in MODIFIED_META),
        )
    ]
    # Days the metadata states, each with its full timestamp (publication before update), and
    # the day in the article's URL, or in the URL the page gives as its own (a saved page).
    known: dict[str, str] = {}
    for iso in stated + modified:
        if iso:
            known.setdefault(iso[:10], iso)
    url_day = date_in_url(url) or date_in_url(find_canonical(signals, url))
    if url_day:
        known.setdefault(url_day, url_day)
    month_first = _month_first(signals)
    for line in signals.header_dates[:MAX_DATELINES]:
        iso = _dateline_date(line, known, month_first)
        if iso:
            return known.get(iso, iso)  # the metadata's timestamp of that day is more precise
    schema_published = ld_published or meta_published[SCHEMA_PUBLISHED_META]
    site_published = any(iso for k, iso in meta_published.items() if k != SCHEMA_PUBLISHED_META)
    if schema_published and not site_published:
        # The page shows readers only when it was updated and states its publication in
        # schema.org markup alone (JSON-LD, microdata): a guide kept current, dated by its last
        # revision (the markup's date is the first draft's). A publication meta tag is the
        # site's own statement of the date; it stands.
        iso = _shown_update(signals, known, month_first)
        if iso:
            return known.get(iso, iso)
    for iso in stated:
        if iso:
            return _local_day(iso, url_day)
    for line in signals.text_dates[:MAX_DATELINES]:
        iso = _dateline_date(line, known, month_first)
        if iso:
            return known.get(iso, iso)
    # The date of the web page that holds the article, which SEO plugins describe beside (or
    # instead of) the article: the weakest statement of the day it was published.
    return url_day or to_iso8601(_ld_text(_ld_first(signals.jsonld_pages, "datePublished")))


def find_shown_date(lines: Iterable[str], signals: Signals) -> str | None:
    """The first date written in a short line of the page, in document order, update or not.

    The last resort before searching the whole page: a date the page shows somewhere (a
    "Last updated" line at the foot, a byline with the date) is the date readers are given.
    """
    month_first = _month_first(signals)
    for line in lines:
        if len(line) > MAX_SHOWN_DATE_CHARS or line[-1:] in ".!?":
            continue
        # Any written date counts here, year-first ones too ("Published: 2025.12.17"), which
        # are not taken for datelines to cut from the text: lists of events start that way.
        iso = date_in_text(line, month_first=month_first)
        if iso:
            return iso
    return None


def _local_day(stamp: str, url_day: str | None) -> str:
    """``stamp``, or the URL's day when the URL puts the same moment on the day before or after.

    A timestamp written in UTC falls on the next day for an evening article in the Americas
    (the previous one in Asia); the URL carries the day of the publisher's own calendar.
    """
    if url_day is None or len(stamp) <= 10 or stamp[:10] == url_day:
        return stamp
    try:
        apart = abs((date.fromisoformat(stamp[:10]) - date.fromisoformat(url_day)).days)
    except ValueError:
        return stamp
    return url_day if apart == 1 else stamp


def _shown_update(signals: Signals, known: dict[str, str], month_first: bool) -> str | None:
    """The update date the datelines and bylines by the article show, if none shows another.

    "By Jane Doe Updated Sep 5, 2024" gives the update; "March 3, 2021 · Updated ..." the
    publication, and then no update date is taken.
    """
    lines = signals.header_dates[:MAX_DATELINES] + signals.text_dates[:MAX_DATELINES]
    for line in lines + signals.bylines[:MAX_DATELINES]:
        if _dateline_date(line, known, month_first):
            return None
        update = _UPDATE_RE.search(line)
        iso = update and date_in_text(line[update.end() :], month_first=month_first, known=known)
        if iso:
            return iso
    return None


def _dateline_date(line: str, known: dict[str, str], month_first: bool) -> str | None:
    """The publication date a dateline states; none when it only gives an update's date."""
    published_part = _UPDATE_RE.split(line, maxsplit=1)[0]
    return date_in_text(published_part, month_first=month_first, known=known)


def _month_first(signals: Signals) -> bool:
    """Whether digits-only dates on this page put the month first (American English)."""
    lang = (signals.html_lang or signals.meta.get("og:locale") or "").lower().replace("_", "-")
    return lang == "en" or lang.startswith("en-us")


# --- language, URLs, names -----------------------------------------------------------------


def to_language(raw: str | None) -> str | None:
    """An ISO 639-1 code ("en") from a language tag such as "en-US" or "pt_BR"."""
    if not raw:
        return None
    match = _LANG_RE.match(raw.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None


def find_language(signals: Signals) -> str | None:
    """The declared language: ``<html lang>``, then meta tags, then JSON-LD."""
    for raw in (
        signals.html_lang,
        signals.meta.get("content-language"),
        signals.meta.get("language"),
        signals.meta.get("dc.language"),
        signals.meta.get("og:locale"),
        _ld_text(_ld_first(signals.jsonld, "inLanguage")),
    ):
        lang = to_language(raw)
        if lang:
            return lang
    return None


def find_canonical(signals: Signals, url: str | None) -> str | None:
    """The canonical URL (``rel=canonical``, then ``og:url``), absolute against ``url``."""
    for raw in (signals.links.get("canonical"), signals.meta.get("og:url")):
        absolute = absolute_url(raw, url)
        if absolute:
            return absolute
    return None


def find_site_name(signals: Signals) -> str | None:
    """The publication's name."""
    publisher = _ld_first(signals.jsonld, "publisher")
    for raw in (
        signals.meta.get("og:site_name"),
        _ld_text(publisher),
        signals.meta.get("application-name"),
        signals.meta.get("twitter:site"),
    ):
        if raw:
            name = clean_space(raw).lstrip("@")
            if name and "://" not in name:  # some sites put their URL there
                return name
    return None


def find_top_image(signals: Signals, url: str | None) -> str | None:
    """The article's lead image, absolute."""
    for raw in (
        signals.meta.get("og:image"),
        signals.meta.get("og:image:url"),
        signals.meta.get("og:image:secure_url"),
        signals.meta.get("twitter:image"),
        signals.meta.get("twitter:image:src"),
        _ld_text(_ld_first(signals.jsonld, "image")),
        signals.links.get("image_src"),
    ):
        absolute = absolute_url(raw, url)
        if absolute:
            return absolute
    return None


def find_description(signals: Signals) -> str | None:
    """The page's one-line description."""
    for raw in (
        signals.meta.get("og:description"),
        signals.meta.get("description"),
        signals.meta.get("twitter:description"),
        _ld_text(_ld_first(signals.jsonld, "description")),
    ):
        if raw and clean_space(raw):
            return clean_space(raw)
    return None
