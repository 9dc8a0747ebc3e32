"""Finding held and banned phrases in text as a reader reads it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.matching import Found, find, fold

SCUM = ["scum"]


@pytest.mark.parametrize(
    "text",
    [
        "Scum!",
        "SCUM.",
        "ｓｃｕｍ",  # fullwidth letters
        "𝐬𝐜𝐮𝐦",  # mathematical bold
        "sc\u00adum",  # soft hyphen
        "sc\u200bum",  # zero-width space
        "s\u200dc\u2060u\ufeffm",  # zero-width joiner, word joiner, byte order mark
        "s\u0336c\u0336u\u0336m\u0336",  # struck through with combining marks
        "scúm",
        "ѕсum",  # Cyrillic dze and es
    ],
)
def test_a_phrase_is_found_however_its_letters_are_disguised(text):
    assert [found.phrase for found in find(text, SCUM)] == ["scum"]


@pytest.mark.parametrize("text", ["scumble", "scummy", "ascum", "scum_bag", "scum2"])
def test_a_phrase_is_found_only_as_whole_words(text):
    assert find(text, SCUM) == []


def test_a_phrase_of_several_words_is_found_across_any_spacing_and_line_breaks():
    text = "you SCUM\u00a0\n  Bag"

    assert find(text, ["scum bag"]) == [Found("scum bag", 4, len(text))]


def test_what_matched_is_given_as_a_slice_of_the_text_as_typed():
    text = "Well, ｓ\u00adｃｕｍ, and again scum."

    found = find(text, SCUM)

    assert [text[f.start : f.end] for f in found] == ["ｓ\u00adｃｕｍ", "scum"]


def test_matches_come_in_the_order_they_occur_whatever_the_order_of_the_phrases():
    found = find("casino then scum", ["scum", "casino"])

    assert [(f.phrase, f.start) for f in found] == [("casino", 0), ("scum", 12)]


def test_a_phrase_typed_with_accents_or_capitals_finds_the_plain_spelling():
    assert [f.phrase for f in find("a cafe here", ["Café"])] == ["Café"]


def test_a_phrase_that_folds_to_nothing_finds_nothing():
    assert find("any text at all", ["\u200b", "  "]) == []


def test_folding_keeps_for_each_character_the_index_it_came_from():
    folded, origin = fold("Ａ\u00adß")

    assert folded == "ass"
    assert list(origin) == [0, 2, 2]


DISGUISES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u034f", "\u0301"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["scumbag", "grayling", "chris grayling"]),
    st.lists(st.tuples(st.integers(min_value=1, max_value=20), st.sampled_from(DISGUISES))),
    st.lists(st.booleans(), min_size=20, max_size=20),
)
def test_invisible_characters_marks_and_capitals_anywhere_in_a_phrase_never_hide_it(
    phrase, insertions, upper
):
    letters = [c.upper() if up else c for c, up in zip(phrase, upper, strict=False)]
    for position, disguise in sorted(insertions, reverse=True):
        letters.insert(min(position, len(letters) - 1), disguise)
    text = "Well, " + "".join(letters) + "!"

    assert [found.phrase for found in find(text, [phrase])] == [phrase]
