"""Entities stage: named people, organizations, places and other things, with counts.

A rule-based tagger built for news text, light enough for a Lambda worker (no model weights),
that reads as a pipeline of five steps, one module each:

1. :mod:`.tokens`: lines of tokens, datelines, and what the article shows about its words;
2. :mod:`.spans`: candidate spans, runs of capitalized words cut and joined into names;
3. :mod:`.evidence`: named rules whose cues vote for a type, weights in
   ``data/entity-cues.toml``;
4. :mod:`.decision`: which candidates are names, and one type per name over the article;
5. :mod:`.merging`: short forms, acronyms, aliases and spelling variants become one entity.

What it knows is data (:mod:`.lexicon`): a gazetteer built from maintained packages
(``layers/newsbrief/build_gazetteer.py``) and hand-written tables of closed-class words.

Languages: English gets the full tagger. German, French, Spanish, Italian, Dutch and
Portuguese get precision first: the English cue words do not apply, a frequent word of the
language is never a name, titles of those languages never join a name, and only names the
gazetteer knows or a cue vouches for are kept. Other languages (scripts without capitals such
as Chinese and Arabic, and Cyrillic, which the gazetteer does not spell) get no entities.
"""

from __future__ import annotations

from collections.abc import Collection

from ..errors import InvalidInput
from ..models import Entity
from .decision import pool_mentions, worth_keeping
from .evidence import Evidence, Mention
from .lexicon import LISTED_LANGUAGES, Gazetteer, Lexicon, load_gazetteer, load_lexicon
from .merging import build_entities
from .spans import SpanFinder
from .tokens import Line, read_article

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Gazetteer",
    "find_entities",
    "load_gazetteer",
    "load_lexicon",
    "tag_entities",
]

# Languages that get entity lists: English, and precision first for the Latin-script
# languages whose frequent words the gazetteer lists.
SUPPORTED_LANGUAGES = frozenset({"en"}) | LISTED_LANGUAGES


def find_entities(text: str, language: str | None = "en", title: str | None = None) -> list[Entity]:
    """Return the article's entities with canonical names, sorted by count (descending).

    ``language`` is an ISO 639-1 code (None: English); languages outside
    :data:`SUPPORTED_LANGUAGES` get an empty list. ``title`` is scanned like a headline.
    """
    return tag_entities(text, language, title)


def tag_entities(
    text: str,
    language: str | None = "en",
    title: str | None = None,
    disabled: Collection[str] = (),
    lexicon: Lexicon | None = None,
) -> list[Entity]:
    """:func:`find_entities` with the rule groups named in ``disabled`` switched off.

    The benchmark measures what each group adds this way (``benchmarks/entities.py --ablate``),
    and what each data source adds by passing a ``lexicon`` without it.
    """
    if not isinstance(text, str):
        raise InvalidInput("text must be a string")
    if title is not None and not isinstance(title, str):
        raise InvalidInput("title must be a string")
    language = (language or "en").lower().split("-")[0]
    if language not in SUPPORTED_LANGUAGES or not (text.strip() or (title or "").strip()):
        return []
    lex = lexicon or load_lexicon()
    return _tag(text, title, language, lex, disabled)


def _tag(
    text: str, title: str | None, language: str, lex: Lexicon, disabled: Collection[str]
) -> list[Entity]:
    article = read_article(text, title, lex)
    finder = SpanFinder(article, lex, language, disabled)
    evidence = Evidence(lex, article, language == "en", disabled)
    mentions: list[Mention] = []
    for dateline in article.datelines:
        for name, surfaces in (
            ("dateline_place", dateline.places),
            ("dateline_agency", dateline.agencies),
        ):
            cue = lex.cues[name]
            if cue.group not in disabled:
                mentions.extend(Mention(s, {cue.type: cue.weight}, s.isupper()) for s in surfaces)
    caps_lines = []
    for line in article.lines:
        if not line.tokens:
            continue
        if line.caps:
            caps_lines.append(line)
            continue
        for candidate in finder.mixed(line):
            if candidate.caps:
                span = candidate.span
                caps_lines.append(Line.read(span.tokens[span.start : span.end]))
                continue
            reading = evidence.reading(candidate.span)
            if candidate.compound:
                votes = evidence.vote_compound(reading)
            else:
                votes = evidence.vote(reading)
            place = evidence.venue(reading)
            if place is not None:
                mentions.append(Mention(reading.surface, place, venue=True))
            elif worth_keeping(reading, votes):
                mentions.append(Mention(reading.surface, votes, needs_parent=reading.needs_parent))
    article.names.update(m.surface.upper() for m in mentions if not m.caps)
    for line in caps_lines:
        mentions.extend(mention for _, mention in finder.caps(line, evidence.caps_mention))
    venues = [m.surface for m in mentions if m.venue]
    return build_entities(pool_mentions(mentions), lex, venues)
