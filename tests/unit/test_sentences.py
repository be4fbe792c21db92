"""Sentence splitting and word tokenizing without downloaded data."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from newsbrief.sentences import split_paragraphs, split_sentences, tokenize_words


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_abbreviations_decimals_and_initials_do_not_end_sentences() -> None:
    text = (
        "U.S. diplomats met Mr. Smith at 5 p.m. on Tuesday. "
        "Profits rose 3.5 percent to $10.9bn, said J. R. Ewing in Dallas. "
        "Dr. Jones agreed."
    )
    assert split_sentences(text) == [
        "U.S. diplomats met Mr. Smith at 5 p.m. on Tuesday.",
        "Profits rose 3.5 percent to $10.9bn, said J. R. Ewing in Dallas.",
        "Dr. Jones agreed.",
    ]


def test_quoted_question_inside_a_sentence_stays_in_it() -> None:
    text = '"Is this the end?" he asked. "Yes!" she said. It was over.'
    assert split_sentences(text) == [
        '"Is this the end?" he asked.',
        '"Yes!" she said.',
        "It was over.",
    ]


def test_sentences_glued_without_a_space_are_split() -> None:
    text = "Revenue reached $1.5m.Then the firm lost a key client. It will appeal.It lost."
    assert split_sentences(text) == [
        "Revenue reached $1.5m.",
        "Then the firm lost a key client.",
        "It will appeal.",
        "It lost.",
    ]


def test_a_quote_opening_the_next_sentence_goes_with_that_sentence() -> None:
    text = 'Rates may fall, he said. "The outlook is uncertain. We will watch closely."'
    sentences = split_sentences(text)
    assert sentences[0] == "Rates may fall, he said."
    assert sentences[1].startswith('"The outlook')


def test_blank_lines_and_separate_lines_end_sentences() -> None:
    text = (
        "Storm hits the coast\n"
        "Thousands lost power overnight. Crews are at work\n\n"
        "The mayor asked residents to stay home."
    )
    assert split_sentences(text) == [
        "Storm hits the coast",
        "Thousands lost power overnight.",
        "Crews are at work",
        "The mayor asked residents to stay home.",
    ]


def test_hard_wrapped_lines_are_joined_back() -> None:
    text = (
        "The council voted on Monday to close the\n"
        "old bridge to traffic, citing safety\n"
        "concerns raised by engineers.\n"
        "Repairs will start in May."
    )
    assert split_paragraphs(text) == [
        "The council voted on Monday to close the old bridge to traffic, citing safety "
        "concerns raised by engineers.\nRepairs will start in May."
    ]
    assert len(split_sentences(text)) == 2


def test_german_and_russian_abbreviations() -> None:
    german = "Das sagte Dr. Müller am 3. Oktober in Berlin. Die Firma wuchs z. B. in Asien."
    assert len(split_sentences(german, "de")) == 2
    russian = "Это произошло в 2015 г. в Москве. Президент заявил об этом."
    assert len(split_sentences(russian, "ru")) == 2


def test_empty_and_unknown_language() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n  ") == []
    assert split_sentences("One. Two words.", None) == ["One.", "Two words."]
    assert split_sentences("One. Two words.", "xx") == ["One.", "Two words."]


def test_words_keep_inner_apostrophes_and_hyphens_but_drop_numbers() -> None:
    assert tokenize_words("Don't stop the well-known 2024 show, O’Brien said.") == [
        "Don't",
        "stop",
        "the",
        "well-known",
        "show",
        "O’Brien",
        "said",
    ]
    expected = ["Привет", "мир", "Grüße", "aus", "Köln"]
    assert tokenize_words("Привет, мир! Grüße aus Köln.") == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'’(),A1")), max_size=200))
def test_sentences_are_pieces_of_the_text(text: str) -> None:
    flat = squash(text)
    for sentence in split_sentences(text):
        assert sentence and sentence == sentence.strip()
        assert squash(sentence) in flat
