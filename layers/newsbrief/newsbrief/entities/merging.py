"""Step 5, merging: the forms of one name become one entity, named by its longest full form.

An article names a person in full once and by the surname after ("Takuya Takagi" ...
"Takagi"), a body by its acronym ("International Monetary Fund" ... "IMF"), a country by its
abbreviation ("United States" ... "U.S."), and a foreign name in several spellings ("Zelensky",
"Zelenskyy"). Each rule below links a form to its parent; each group of linked forms is one
entity with the count of all its mentions.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from ..models import Entity, EntityType
from .decision import Pool, best_type
from .lexicon import PLACE_MAJOR, Lexicon

# Spelling variants are compared on surnames at least this long: shorter ones ("Li", "Lee",
# "Kim") are different people as often as variants.
MIN_VARIANT_LENGTH = 5
# Surnames whose skeletons (see _skeleton) differ by at most this many letters are variants
# ("Zelensky" / "Zelenskyy" / "Zelenskiy"), when their first letters agree.
MAX_VARIANT_EDITS = 1
# Acronyms of two to eight letters join the long name they abbreviate.
ACRONYM_LENGTHS = range(2, 9)
# A short form joins an organization's name of at most this many words ("Barrick Gold").
MAX_ORG_WORDS_FOR_SHORT_FORM = 3


def short_form_parents(pool: Pool, lex: Lexicon) -> dict[str, str]:
    """Single words that are the short form of one longer name: "Takagi" -> "Takuya Takagi".

    A person is named by the surname (or a first word no list knows as a given name); an
    organization of up to three words by its first word ("Barrick" of "Barrick Gold"), unless
    that word is a place. A word with its own sure type keeps it when the parents' type differs.
    """
    types = pool.types
    multi = sorted((k for k in pool.votes if " " in k), key=len, reverse=True)
    # Index the long names by their first and last words: linear, not singles x multis.
    by_edge: dict[str, list[str]] = defaultdict(list)
    by_surname: dict[str, list[str]] = defaultdict(list)  # people by their surname's skeleton
    for long in multi:
        parts = long.split()
        by_edge[parts[0]].append(long)
        if parts[-1] != parts[0]:
            by_edge[parts[-1]].append(long)
        if types.get(long) == "PERSON" and len(parts[-1]) >= MIN_VARIANT_LENGTH:
            by_surname[_skeleton(parts[-1])[:3]].append(long)
    parents: dict[str, str] = {}
    for key in pool.votes:
        if " " in key:
            continue
        candidates = [long for long in by_edge.get(key, ()) if _short_form_of(key, long, pool, lex)]
        if not candidates and len(key) >= MIN_VARIANT_LENGTH:
            # "Zelenskyy" after "Volodymyr Zelenskiy": the surname in another spelling.
            candidates = [
                long
                for long in by_surname.get(_skeleton(key)[:3], ())
                if _close(_skeleton(key), _skeleton(long.split()[-1]))
            ]
        if not candidates:
            continue
        # A surname names the person before any body that starts with it ("Biden" is Joe
        # Biden's, not the "Biden Administration"'s).
        surnames = [c for c in candidates if types.get(c) == "PERSON" and c.split()[-1] == key]
        candidates = surnames or candidates
        one_name = len(candidates) == 1 or (
            all(types.get(c) == types.get(candidates[0]) for c in candidates)
            and len({c.split()[-1] for c in candidates}) == 1
        )
        if not one_name:
            continue
        own = pool.votes[key]
        strong_own = max(own.values(), default=0.0) / pool.counts[key] >= PLACE_MAJOR
        if not strong_own or types.get(key) == types.get(candidates[0]):
            parents[key] = candidates[0]
    return parents


def _short_form_of(key: str, long: str, pool: Pool, lex: Lexicon) -> bool:
    parts = long.split()
    kind = pool.types.get(long)
    if kind == "PERSON":
        return key == parts[-1] or (key == parts[0] and not lex.first_name(key.capitalize()))
    if kind == "ORGANIZATION":
        return (
            key == parts[0]
            and len(parts) <= MAX_ORG_WORDS_FOR_SHORT_FORM
            and not lex.place(key.capitalize())
            and not pool.orphan[key]
        )
    return False


def acronym_parents(pool: Pool, lex: Lexicon) -> dict[str, str]:
    """Single all-capital names ("IMF") that are the initials of exactly one long name.

    The long name's capitalized words give the initials; connectors ("of", "de", "and",
    "the") are skipped. Places keep their own aliases (handled by the gazetteer), and an
    acronym two long names share ("BA": British Airways, Bank of America) joins neither.
    """
    skip = lex.words.acronym_skip
    by_initials: dict[str, list[str]] = defaultdict(list)
    for long, kind in pool.types.items():
        if " " not in long or kind not in ("ORGANIZATION", "OTHER"):
            continue
        words = [w for w in long.split() if w.lower() not in skip]
        if 2 <= len(words) <= 8 and all(w[:1].isalpha() for w in words):
            by_initials["".join(w[0] for w in words)].append(long)
    parents: dict[str, str] = {}
    for key, kind in pool.types.items():
        if " " in key or not key.isalpha() or len(key) not in ACRONYM_LENGTHS:
            continue
        if not all(form.isupper() for form in pool.forms[key]):  # "Who" is no acronym
            continue
        longs = by_initials.get(key, [])
        if len(longs) == 1 and kind in (None, "ORGANIZATION", "OTHER", pool.types.get(longs[0])):
            parents[key] = longs[0]
    return parents


def alias_parents(pool: Pool, lex: Lexicon) -> dict[str, str]:
    """Country aliases: "U.S." and "United States" are one place."""
    parents: dict[str, str] = {}
    for key in pool.votes:
        if pool.types.get(key) != "LOCATION":
            continue
        surface = next(iter(pool.forms[key]))
        canonical = lex.gaz.aliases.get(lex.proper(surface)) or lex.gaz.aliases.get(surface)
        if canonical and canonical.upper() in pool.votes and canonical.upper() != key:
            parents[key] = canonical.upper()
    return parents


def _skeleton(word: str) -> str:
    """A surname's letters with the usual transliteration differences levelled.

    Accents dropped, doubled letters single, y as i ("Zelenskyy", "Zelenskiy" -> "zelenski").
    """
    ascii_word = unicodedata.normalize("NFKD", word.casefold())
    letters = [c for c in ascii_word if c.isalpha() and not unicodedata.combining(c)]
    out: list[str] = []
    for c in letters:
        c = "i" if c == "y" else c
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _close(a: str, b: str) -> bool:
    """At most MAX_VARIANT_EDITS insertions, deletions or substitutions apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > MAX_VARIANT_EDITS:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= MAX_VARIANT_EDITS


def variant_parents(roots: dict[str, EntityType | None]) -> dict[str, str]:
    """Spellings of one person's name: "Zelensky" and "Volodymyr Zelenskyy" are one person.

    People whose surnames are variants of each other (see _skeleton) and whose given names do
    not disagree join the fullest form: the most words, then the longest.
    """
    people = [key for key, kind in roots.items() if kind == "PERSON"]
    by_start: dict[str, list[str]] = defaultdict(list)
    for key in people:
        surname = key.split()[-1]
        if len(surname) >= MIN_VARIANT_LENGTH:
            by_start[_skeleton(surname)[:3]].append(key)
    parents: dict[str, str] = {}
    for keys in by_start.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (-len(k.split()), -len(k), k))
        for key in keys[1:]:
            for fuller in keys:
                if fuller == key or fuller in parents:
                    continue
                if _variants(key, fuller):
                    parents[key] = fuller
                    break
    return parents


def _variants(short: str, full: str) -> bool:
    a, b = short.split(), full.split()
    if a == b or not _close(_skeleton(a[-1]), _skeleton(b[-1])):
        return False
    if len(a) > 1 and len(b) > 1 and _skeleton(a[0]) != _skeleton(b[0]):
        return False  # "Hunter Biden" and "Joe Biden" are not one person
    return a[-1] != b[-1] or len(a) != len(b)


def add_venues(entities: list[Entity], venues: list[str], lex: Lexicon) -> None:
    """Places where games are ("AT BOSTON") join the place of that name.

    They stand as a place of their own when the article's other mentions are its team.
    """
    by_key: dict[str, list[str]] = defaultdict(list)
    for surface in venues:
        by_key[surface.upper()].append(surface)
    for key, surfaces in by_key.items():
        place = next(
            (
                e
                for e in entities
                if e.type == "LOCATION" and any(m.upper() == key for m in e.mentions)
            ),
            None,
        )
        if place is None:
            place = Entity(canonical_name(surfaces, "LOCATION", lex), "LOCATION", 0, [])
            entities.append(place)
        place.count += len(surfaces)
        place.mentions = sorted(set(place.mentions) | set(surfaces))


def build_entities(pool: Pool, lex: Lexicon, venues: list[str] | None = None) -> list[Entity]:
    """Group the pooled forms into entities, sorted by count (descending) then name."""
    parent = short_form_parents(pool, lex)
    for key, long in acronym_parents(pool, lex).items():
        parent.setdefault(key, long)
    parent.update(alias_parents(pool, lex))

    def root_of(key: str) -> str:
        seen = set()
        while key in parent and key not in seen:
            seen.add(key)
            key = parent[key]
        return key

    kept = [
        key
        for key in pool.votes
        if key in parent or (pool.types.get(key) is not None and not pool.orphan[key])
    ]
    roots = {root_of(key): pool.types.get(root_of(key)) for key in kept}
    for key, fuller in variant_parents(roots).items():
        parent[key] = fuller
    groups: dict[str, list[str]] = defaultdict(list)
    for key in kept:
        groups[root_of(key)].append(key)

    entities = []
    for root, keys in groups.items():
        kind = pool.types.get(root)
        if kind is None:
            total: dict[EntityType, float] = {}
            for key in keys:
                for t, w in pool.votes[key].items():
                    total[t] = total.get(t, 0.0) + w
            kind = best_type(total)
        if kind is None:
            continue
        surfaces: list[str] = []
        for key in keys:
            surfaces.extend(sorted(pool.forms[key]))
        entities.append(
            Entity(
                name=canonical_name(surfaces, kind, lex),
                type=kind,
                count=sum(pool.counts[k] for k in keys),
                mentions=sorted(set(surfaces)),
            )
        )
    add_venues(entities, venues or [], lex)
    entities.sort(key=lambda e: (-e.count, e.name))
    return entities


def _coded(surface: str) -> bool:
    """A name in capitals that is written so: "COVID-19", "S&P 500", "A350"."""
    return any(c.isdigit() or c == "&" for c in surface)


def canonical_name(surfaces: list[str], kind: EntityType, lex: Lexicon) -> str:
    """The entity's name: its longest full form as written in mixed case.

    Forms in capitals are used only when there is no other ("GENEVA" -> "Geneva"), and a
    country seen only as "U.S." is still named "United States".
    """
    mixed = [s for s in surfaces if not s.isupper() or len(s) <= 4 or _coded(s)]
    pool = mixed or [lex.proper(s) for s in surfaces]
    name = max(pool, key=lambda s: (len(s.split()), len(s), s))
    if kind == "LOCATION":
        name = lex.gaz.aliases.get(name, name)
    return name
