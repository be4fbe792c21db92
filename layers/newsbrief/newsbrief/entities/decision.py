"""Step 4, decision: which candidates are names, and each name's type over the article.

A candidate with no vote is no name, nor is an ordinary word opening a line with only a faint
cue ("Choice", "Slaughter Steers"). The article names a thing the same way throughout, so the
votes of every mention of a surface form are pooled (case aside: "GENEVA" and "Geneva") and
the type with the most votes wins for all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..models import EntityType
from .evidence import FAINT, Mention, Reading, Votes
from .lexicon import TYPES
from .tokens import SENTENCE_END


def worth_keeping(reading: Reading, votes: Votes) -> bool:
    """Whether a mixed-case candidate with these votes is a name.

    An ordinary word (or words) heading a line or a table row with only a faint cue is not:
    "Choice", "Slaughter Steers" are labels. A word the article uses in a longer name stays.
    """
    if not votes:
        return False
    span = reading.span
    prev = span.prev
    heading = span.line.table or not reading.multi or not prev or prev[:1] in SENTENCE_END
    if not heading or reading.surface in reading.article.name_parts:
        return True
    if max(votes.values()) >= FAINT:
        return True
    lex, lower = reading.lex, reading.article.lower_words
    return not all(w.lower() in lex.gaz.vocab_common or w.lower() in lower for w in reading.words)


def best_type(votes: Votes) -> EntityType | None:
    """The type with the most votes (ties in the order of TYPES), None without any."""
    if not votes or max(votes.values()) <= 0:
        return None
    return max(TYPES, key=lambda t: (votes.get(t, 0.0), -TYPES.index(t)))


@dataclass(slots=True)
class Pool:
    """The article's mentions pooled per surface form (upper-cased key)."""

    votes: dict[str, Votes] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # True while every mention of the key needs a parent (a longer name it is part of).
    orphan: dict[str, bool] = field(default_factory=dict)
    types: dict[str, EntityType | None] = field(default_factory=dict)


def pool_mentions(mentions: list[Mention]) -> Pool:
    """Pool the votes of each surface form and decide its type."""
    pool = Pool()
    for mention in mentions:
        if mention.venue:
            continue
        key = mention.surface.upper()
        pool.orphan[key] = pool.orphan.get(key, True) and mention.needs_parent
        bucket = pool.votes.setdefault(key, {})
        for kind, weight in mention.votes.items():
            bucket[kind] = bucket.get(kind, 0.0) + weight
        pool.counts[key] += 1
        pool.forms[key].add(mention.surface)
    pool.types = {key: best_type(votes) for key, votes in pool.votes.items()}
    return pool
