"""Step 2, candidate spans: runs of capitalized words that may be names, cut and joined.

In mixed-case lines a candidate is a run of capitalized words, which may go on across name
particles ("Ursula von der Leyen"), "&" ("Procter & Gamble") and the "of", "for", "and" of
official names ("Centers for Disease Control and Prevention"). What is not part of the name is
cut off: titles ("President", "Bundeskanzler"), an ordinary word opening a sentence
("Despite", "Tell"), a nationality before a name ("Argentine Abel Balbo"), a country's dotted
abbreviation before a name ("U.S. Jane Smith"). In ALL-CAPS lines (headlines, some tables)
capitals prove nothing, so only names the gazetteer or the rest of the article vouches for are
candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..language import stop_words
from .context import Span, listed_company, match_side
from .lexicon import Lexicon
from .tokens import SENTENCE_END, Article, Line, is_name_token, is_word

# Longer runs of capitalized words are title-case headings, not names; the cap also keeps the
# work per line linear on pathological input.
MAX_SPAN_WORDS = 8
# The longest run after "and" that still belongs to the official name before it
# ("... Control and Prevention", "... Natural Resources and Environmental Control").
MAX_AND_TAIL = 3
V = TypeVar("V")


@dataclass(slots=True)
class Candidate:
    """A span to type, from a mixed-case line or from a line in capitals."""

    span: Span
    compound: bool = False  # one hyphenated word built on a name: "Berlin-based"
    caps: bool = False  # a run in capitals inside a mixed line: "BEAUTY BUMP. Online ..."


def _lower(word: str) -> str:
    return word.lower().rstrip(".")


class SpanFinder:
    """Finds the candidate spans of an article's lines."""

    def __init__(
        self, article: Article, lex: Lexicon, language: str, disabled: Collection[str] = ()
    ) -> None:
        self.article = article
        self.disabled = disabled
        self.lex = lex
        self.words = lex.words
        self.language = language
        self.english = language == "en"

    # -- mixed-case lines -----------------------------------------------------------------

    def name_token(self, token: str) -> bool:
        """A capitalized token that may be (part of) a name: no day, month or wire label."""
        return (
            is_name_token(token, self.words.connectors)
            and token not in self.words.not_names
            and token not in self.words.wire_furniture
        )

    def mixed(self, line: Line) -> Iterator[Candidate]:
        """Candidates of a mixed-case line."""
        tokens = line.tokens
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            if "-" in tok and is_word(tok) and not is_name_token(tok, self.words.connectors):
                # "pro-Israeli", "Berlin-based", "U.S.-owned": a name inside a compound.
                if any(p[:1].isupper() for p in tok.split("-")):
                    yield Candidate(Span(line, i, i + 1, tokens[i - 1] if i else ""), True)
            if not self.name_token(tok):
                i += 1
                continue
            end = self.extend(tokens, i)
            if not line.table and self._caps_run(tokens[i:end]):
                # As in a headline, only names something vouches for.
                yield Candidate(Span(line, i, end, tokens[i - 1] if i else ""), caps=True)
            else:
                yield from self.trimmed(line, i, end)
            i = end

    def _named(self, word: str) -> bool:
        lex = self.lex
        return bool(lex.place(word) or lex.demonym(word) or word in lex.gaz.orgs)

    def _person_shaped_caps(self, words: list[str]) -> bool:
        """A given name and a word that is not a frequent one ("AVRIL HAINES")."""
        lex = self.lex
        return any(
            lex.first_name(a.title()) and not lex.common(b)
            for a, b in zip(words, words[1:], strict=False)
        )

    def _caps_run(self, words: list[str]) -> bool:
        """Ordinary words in capitals inside a line: a heading ("BEAUTY BUMP. Online ...")."""
        return (
            "caps_runs" not in self.disabled
            and len(words) > 1
            and all(w.isupper() and len(w) > 1 and not w.endswith(".") for w in words)
            and all(self.lex.english_word(w) and not self._named(w.title()) for w in words)
            and not self._person_shaped_caps(words)
            and _lower(words[-1]) not in self.words.org_suffixes  # "PROTECTION AGENCY"
        )

    def extend(self, tokens: list[str], start: int) -> int:
        """Where the name that starts at ``start`` ends (exclusive)."""
        n = len(tokens)
        j = start + 1
        while j < n and j - start < MAX_SPAN_WORDS:
            nxt = tokens[j]
            if self.name_token(nxt) and self.lex.title(nxt) and not self._title_inside(tokens, j):
                break  # "Czech President Vaclav Havel": two names around a title
            if nxt in ("The", "A", "An") and tokens[j - 1].endswith("."):
                break  # "... posted on X. The company ...": a new sentence
            if self.name_token(nxt) or self._date_word_inside(tokens, j):
                j += 1
                continue
            if self._club_day(tokens, start, j):
                j += 1
                continue
            if nxt == "&" and j + 1 < n and tokens[j + 1][:1].isupper():
                j += 2
                continue
            joined = self._join_across(tokens, start, j)
            if joined > j:
                j = joined
                continue
            break
        return min(j, n)

    def _date_word_inside(self, tokens: list[str], j: int) -> bool:
        """A short day or month name inside a name ("Hwang Sun Hong", "Theresa May").

        Not one that dates: "Belgium December 7", "Dec. 7".
        """
        nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
        prev = tokens[j - 1]
        return (
            "date_words" not in self.disabled
            and not prev.isupper()
            and not self.lex.place(prev)  # "China Nov exports": a date after a place
            and tokens[j] in self.words.date_words_in_names
            and not nxt[:1].isdigit()
            and nxt not in (".", "-")
        )

    def _club_day(self, tokens: list[str], start: int, j: int) -> bool:
        """On a sports page a day or numeral after a place names a club ("Sheffield Wednesday").

        Also a team ("Italy I"). A month never is: "Belgium December 7" dates a caption.
        """
        word = tokens[j]
        return (
            "club_days" not in self.disabled
            and self.article.sports
            and (word in ("I", "II") or word.endswith("day") and word in self.words.not_names)
            and bool(self.lex.place(" ".join(tokens[start:j])))
        )

    def _title_inside(self, tokens: list[str], j: int) -> bool:
        """A title word that is part of a body's name: "Office of the President"."""
        return j >= 2 and tokens[j - 1] in ("the", "of") and tokens[j - 2] in ("of", "Office")

    def _join_across(self, tokens: list[str], start: int, j: int) -> int:
        """Past the lower-case words at ``j`` that belong to the name, or ``j`` itself.

        Name particles ("von der", "bin", "de la"); "of" after an organization or place head
        ("Bank of Japan", "Isle of Man"); "for"/"on" after an organization head ("Centers for
        Disease Control"); and "and" inside an official name ("Food and Drug Administration").
        """
        n = len(tokens)
        words = self.words
        k = j
        most = n if "particles" not in self.disabled else j + 1
        while k < min(n, most) and tokens[k] in words.connectors:
            k += 1
        if k > j and k < n and self.name_token(tokens[k]):
            return k + 1  # "von der Leyen", "bin Rashid", "Lula da Silva"
        nxt = tokens[j]
        head = tokens[start:j]
        official = "official_names" not in self.disabled
        inside = official and nxt == "of" and self._inside_official_name(tokens, start, j)
        if (nxt == "of" or official and nxt in self.words.head_joiners) and (
            inside or self._joins(head, nxt)
        ):
            k = j + 1
            if official and k < n and tokens[k] == "the" and (inside or self._org_head(head)):
                k += 1  # "Committee for the Salvation of the People", "Office of the ..."
            if k < n and self.name_token(tokens[k]):
                if nxt == "of" or self._ordinary_name_word(tokens[k]):
                    return k + 1  # not "Ministry for Brex": a name after "for" is no body's
        if "index_numbers" not in self.disabled and self._index_number(tokens, start, j):
            return j + 1  # "FTSE 100", "S&P 500": an index with its count of members
        if official and nxt == "and" and j + 1 < n and self.name_token(tokens[j + 1]):
            tail_end = j + 1
            while tail_end < n and self.name_token(tokens[tail_end]):
                tail_end += 1
            tail = tokens[j + 1 : tail_end]
            if not self._ordinary_name_word(head[-1]) or len(tail) > MAX_AND_TAIL:
                return j  # "Gazprom and Siemens Energy AG": two names
            last = _lower(tail[-1])
            if last in words.org_heads or last in words.org_suffixes:
                return tail_end  # "Food and Drug Administration"
            if self._inside_official_name(tokens, start, j) and all(
                self._ordinary_name_word(w) for w in tail
            ):
                return tail_end  # "Disease Control and Prevention"
        return j

    def _index_number(self, tokens: list[str], start: int, j: int) -> bool:
        number = tokens[j]
        # "The FTSE 100": the index may follow an opener the next step cuts; "FTSE 250": an
        # index family's name with another count.
        return number.isdigit() and any(
            self.lex.index(" ".join(tokens[k:j])) for k in range(start, j)
        )

    def _ordinary_name_word(self, word: str) -> bool:
        """An English word inside a body's name ("Food", "Securities", "American").

        Not a name itself nor a legal form ("Ltd").
        """
        lex = self.lex
        low = _lower(word)
        if low in self.words.legal_forms or low in self.words.org_suffixes and word.endswith("."):
            return False
        if lex.demonym(word):
            return True
        return lex.frequent(word) and not lex.known(word) and word not in lex.gaz.orgs

    def _org_head(self, head: list[str]) -> bool:
        low_first, low_last = _lower(head[0]), _lower(head[-1])
        return low_first in self.words.org_prefixes or low_last in self.words.org_heads

    def _joins(self, head: list[str], joiner: str) -> bool:
        """Whether "head of/for/on Y" is one name ("Bank of Japan", "Centers for Disease")."""
        words = self.words
        low_first, low_last = _lower(head[0]), _lower(head[-1])
        if joiner in words.head_joiners:
            return low_last in words.org_heads
        return (
            low_first in words.org_prefixes
            or low_last in words.org_suffixes
            or low_last in words.org_heads
            or low_last in words.of_heads
            or low_last in words.loc_suffixes
        )

    def _inside_official_name(self, tokens: list[str], start: int, j: int) -> bool:
        """Whether the span so far went across "of"/"for"/"on" after an organization head."""
        for k in range(start + 1, j):
            if tokens[k] in ("of", "for", "on") and _lower(tokens[k - 1]) in self.words.org_heads:
                return True
        return False

    def trimmed(self, line: Line, start: int, end: int) -> Iterator[Candidate]:
        """The candidates left of ``tokens[start:end]`` once titles and openers are cut."""
        tokens = line.tokens
        words = tokens[start:end]
        prev = tokens[start - 1] if start else ""
        lex = self.lex
        # "Secretary of State Antony Blinken", "President of Russia Vladimir Putin": after a
        # title and "of", the first word is the office's portfolio or country, not the name.
        if prev == "of" and start >= 2 and lex.title(tokens[start - 2]) and self._portfolio(words):
            yield from self._split_first(line, start, end)
            return
        at_start = start == 0 or prev[:1] in SENTENCE_END
        # Drop leading titles and sentence-initial ordinary words ("The", "Despite").
        while words:
            head = words[0]
            if lex.title(head) and len(words) > 1:
                prev, words, start, at_start = head, words[1:], start + 1, False
                # The rest of a title: "Attorney General X", "Prime Minister X".
                while len(words) > 2 and _lower(words[0]) in self.words.title_heads:
                    prev, words, start = words[0], words[1:], start + 1
                continue
            if len(words) > 1 and self._function_word(head):
                # "By Ross Kerber", "For Climate": a preposition never opens a name.
                prev, words, start, at_start = head, words[1:], start + 1, False
                continue
            span = Span(line, start, start + len(words), prev)
            if at_start and self._field_label(span):
                return  # "Note: ...", "Source: ...": a field label, not a name
            if at_start and self._drop_opener(span):
                prev, words, start, at_start = head, words[1:], start + 1, False
                continue
            break
        if not words:
            return
        end = start + len(words)
        # "in the U.S. Meta Platforms reported...": a country's dotted abbreviation ends the
        # sentence as often as it qualifies a name, so it is its own entity unless the whole
        # is one name ("U.S. Steel", "U.S. Open", "U.S. Food and Drug Administration").
        if len(words) > 1 and words[0].endswith(".") and words[0] in lex.gaz.aliases:
            if "official_names" in self.disabled or not self._national_body(words):
                yield from self._split_first(line, start, end)
                return
        # "Argentine Abel Balbo", "Polish Jews": a nationality before a name is its own entity,
        # unless the whole is one name ("British Airways", "German Open", "South African").
        if len(words) > 1 and lex.demonym(words[0]) and not lex.demonym(" ".join(words)):
            low_last = _lower(words[-1])
            body = any(_lower(w) in self.words.org_heads for w in words[1:])
            if (
                low_last not in self.words.org_suffixes
                and low_last not in self.words.event_suffixes
                and not body  # "American International Chamber of Commerce"
            ):
                yield from self._split_first(line, start, end)
                return
        # Connectors never open a name (left over from "Most of Europe") nor end one.
        while words and (words[0] in self.words.connectors or words[0] in ("of", "for", "on")):
            prev, words, start = words[0], words[1:], start + 1
        while words and (
            words[-1] in self.words.connectors or words[-1] in ("of", "for", "on", "the", "&")
        ):
            words = words[:-1]
        if not self.english:
            words, start, prev = self._drop_common_words(words, start, prev)
        if not words:
            return
        split = self._disease_inside(words)
        if split is not None:
            # "BioNTech COVID-19 vaccine": a disease's name is a name of its own.
            at = start + split
            for a, b in ((start, at), (at, at + 1), (at + 1, start + len(words))):
                if a < b:
                    yield from self.trimmed(line, a, b)
            return
        surface = " ".join(words)
        if self._holiday(words):
            return  # "Christmas Eve", "New Year": a date
        if len(words) == 1 and lex.title(surface):
            return  # "Secretary", "CEO": a title alone names no one
        if len(words) == 1 and (len(surface) < 2 or surface.lower() in self.words.legal_forms):
            return  # "Tesla, Inc.": the legal form after a comma is no name of its own
        if len(words) == 1 and len(surface) == 2 and surface[1] == ".":
            return  # a lone initial, or a one-letter word ending a sentence ("posted on X.")
        yield Candidate(Span(line, start, start + len(words), prev))

    def _disease_inside(self, words: list[str]) -> int | None:
        """Where a disease's name sits in a longer span, if it does."""
        if len(words) < 2 or "diseases" in self.disabled:
            return None
        diseases = self.lex.gaz.diseases
        return next((k for k, w in enumerate(words) if w in diseases), None)

    def _split_first(self, line: Line, start: int, end: int) -> Iterator[Candidate]:
        """Two candidates instead of one: the span's first word, then the rest of it."""
        yield from self.trimmed(line, start, start + 1)
        yield from self.trimmed(line, start + 1, end)

    def _portfolio(self, words: list[str]) -> bool:
        """Whether the first word of a name after "<title> of" is the office's portfolio.

        "(Secretary of) State Kerry", "(President of) Russia Vladimir Putin"; not "(Governor
        of) Sao Paulo".
        """
        if len(words) > 2:
            return True
        lex = self.lex
        return len(words) == 2 and lex.english_word(words[0]) and not lex.place(" ".join(words))

    def _national_body(self, words: list[str]) -> bool:
        """One name with its country's abbreviation ("U.S. Steel", "U.S. Senate")."""
        vocab = self.words
        return (
            any(_lower(w) in vocab.org_suffixes or _lower(w) in vocab.org_heads for w in words[1:])
            or _lower(words[-1]) in vocab.event_suffixes
            or " ".join(words) in self.lex.gaz.orgs
        )

    def _holiday(self, words: list[str]) -> bool:
        """The words of a holiday's name and nothing else ("Christmas Eve", "New Year")."""
        if "holidays" in self.disabled:
            return False
        low = [w.lower() for w in words]
        if low in (["new", "year"], ["new", "years"]):
            return True
        return (
            all(w in self.words.holidays for w in low) and not set(low) <= self.words.holiday_parts
        )

    def _function_word(self, word: str) -> bool:
        low = word.lower()
        return (
            "function_words" not in self.disabled
            and low in self.words.never_open
            and not word.isupper()
        )

    def _field_label(self, span: Span) -> bool:
        """An ordinary word before a colon opening a line ("Note:", "Source:")."""
        head = span.words[0]
        return (
            span.end - span.start == 1
            and span.after() == ":"
            and self.lex.english_word(head)
            and head not in self.article.mid_caps
            and not self.lex.known(head)
        )

    def _drop_opener(self, span: Span) -> bool:
        """Whether the first word of a span that opens a sentence is no part of the name."""
        head = span.words[0]
        results = span.line.table or score_line(span.line, self.article)
        row_label = results and span.after()[:1].isdigit()
        if row_label:
            return False
        if _lower(head) not in self.words.articles and match_side(span, self.article, self.lex):
            return False
        # After "(" a capitalized word is a name far more often than a sentence's first word:
        # "Dimas Teixeira (Juventus, Italy)"; only a frequent word is an opener there.
        rare_ok = span.prev != "(" or "parentheses" in self.disabled
        if not self.ordinary_opener(head, span.words, rare_ok):
            return False
        one = span.end - span.start == 1
        return not (one and listed_company(span, self.article, self.lex) is not None)

    def ordinary_opener(self, head: str, words: list[str], rare: bool = True) -> bool:
        """A capitalized first word that is an ordinary word, not part of a name.

        With ``rare``, also a rarer word of the vocabulary that no name list knows.
        """
        lex, article, vocab = self.lex, self.article, self.words
        if head in article.mid_caps and len(words) == 1:
            return False
        if len(head) > 1 and head.isupper():
            return False  # an acronym opening a sentence ("USDA said") is still a name
        if head in article.name_parts:
            return False  # "Cook said" after "Tim Cook": the surname, not the verb
        if len(words) > 2 and words[1] == "of" and _lower(head) in vocab.org_prefixes:
            return False  # "Bank of America", "Ministry of Defence" open sentences too
        if len(words) > 1 and _lower(head) in vocab.event_prefixes:
            return False  # "Hurricane Milton", "Operation Desert Storm"
        if lex.place(head) >= 4.0 or lex.demonym(head):
            return False
        for size in range(len(words), 1, -1):  # "New Zealand", "South African", "Real Madrid"
            prefix = " ".join(words[:size])
            if (
                lex.place(prefix)
                or lex.demonym(prefix)
                or prefix.upper() in article.known_multi
                or prefix in lex.gaz.orgs  # "Volkswagen Group", "Deutsche Bank"
            ):
                return False
        if head in lex.gaz.first_strong and len(words) > 1:
            return False
        low = head.lower()
        if (
            len(words) > 1
            and _lower(words[-1]) in vocab.org_suffixes
            and low not in lex.gaz.function_words
            and low not in vocab.articles
        ):
            return False  # "Field Level Media", "Police Department": a body's first word
        if low in lex.gaz.vocab_common:
            return True
        if low.endswith("s") and (
            low[:-1] in lex.gaz.vocab_common or low[:-1] in article.lower_words
        ):
            return True  # "Drugmakers Pfizer ...": the plural of an ordinary word
        if low in article.lower_words:
            return True  # the article itself writes it in lower case
        if rare and lex.rarer_word(low) and head not in article.mid_caps:
            if len(words) > 1 and _lower(words[-1]) in vocab.org_suffixes:
                return False  # "Samsung Electronics", "Hanwha Group": a firm's first word
            if (
                len(words) == 2
                and words[1] in article.mid_caps
                and not lex.place(words[1])
                and not lex.demonym(words[1])
            ):
                return False  # "Elon Musk posted ... Musk said": a name the article repeats
            # Rarer words ("Despite", "Hosts") are ordinary unless the gazetteer knows them.
            return not (lex.person_name(head) or lex.place(head))
        return False

    def _drop_common_words(
        self, words: list[str], start: int, prev: str
    ) -> tuple[list[str], int, str]:
        """Other languages: a function word or a frequent word opens or ends no name.

        "Le Monde", "Jahr", "Die Deutsche Bank" -> "Deutsche Bank"; unless the words are a
        name we know, or a frequent word is a given name or a surname beside one ("Emmanuel
        Macron").
        """
        lex, language = self.lex, self.language
        stops = stop_words(language)

        def function(word: str) -> bool:
            return word.lower() in stops

        def common(word: str) -> bool:
            return (
                function(word)
                or lex.common_in(word, language)
                and not (lex.place(word) or word in lex.gaz.orgs)
            )

        def known(part: list[str]) -> bool:
            whole = " ".join(part)
            return bool(lex.place(whole) or whole in lex.gaz.orgs or lex.demonym(whole))

        def given_name_pair(given: str, other: str) -> bool:
            return not function(given) and not function(other) and lex.first_name(given)

        while words and common(words[0]) and not known(words):
            if len(words) == 2 and given_name_pair(words[0], words[1]):
                break  # "Emmanuel Macron", "Pedro Sánchez"
            prev, words, start = words[0], words[1:], start + 1
        while words and common(words[-1]) and not known(words):
            if len(words) > 1 and given_name_pair(words[-2], words[-1]):
                break
            words = words[:-1]
        return words, start, prev

    # -- lines in capitals ----------------------------------------------------------------

    def caps(self, line: Line, vouch: Callable[[Span], V | None]) -> Iterator[tuple[Span, V]]:
        """Candidates of a line in capitals: runs of up to four words, longest first.

        Only the runs ``vouch`` accepts; it returns what it read of the run, or None.
        """
        tokens = line.tokens
        n = len(tokens)
        i = 0
        while i < n:
            matched = 0
            for size in (4, 3, 2, 1):
                if i + size > n or not all(is_word(w) for w in tokens[i : i + size]):
                    continue
                span = Span(line, i, i + size, tokens[i - 1] if i else "")
                found = vouch(span)
                if found is not None:
                    yield span, found
                    matched = size
                    break
            i += matched or 1


def score_line(line: Line, article: Article) -> bool:
    """A results line of a sports page: two names with scores, no list commas."""
    return article.sports and line.scored_names == 2 and "," not in line.tokens
