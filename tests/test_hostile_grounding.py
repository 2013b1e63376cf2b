"""Name forms and quotes found in hostile texts and large records.

A name form is a whole word between graphemes (a combining mark or a joiner after it makes it part
of a longer character); offsets count the code points of the text as it is. Grounding reads the
text once for all forms and quotes, so thousands of actors take no longer each than a few.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ground import ground
from kg.model import Record
from kg.read import Article

RECORD = """\
article:
  publisher: mekong-wire
  published:
    date: 2022-03-10
  language: en
actors:
  - id: mekong-wire
    kind: news-outlet
    name: Mekong Wire
    forms: [Mekong Wire]
  - id: sok-chantre
    kind: person
    name: Sok Chantre
    forms: ["{form}"]
"""


def article(text: str, actors: list[dict], events: list[dict] | None = None) -> Article:
    """An article in memory: `text`, and a record of its publisher, `actors` and `events`."""
    record = Record.model_validate(
        {
            "article": {"publisher": "wire", "published": {"date": "2022-03-10"}, "language": "en"},
            "actors": [{"id": "wire", "kind": "news-outlet", "name": "Wire", "forms": ["Wire"]}, *actors],
            "events": events or [],
        }
    )
    return Article("wire", record, text, Path("wire.yaml"), Path("wire.txt"), lines={})


def mentions(text: str, form: str) -> list[tuple[int, int]]:
    """The mentions of `form`, the one form of an actor, in `text` after "(Wire) -- "."""
    grounded = article("(Wire) -- " + text, [{"id": "someone", "kind": "person", "name": "Someone", "forms": [form]}])
    ground(grounded)
    return [(span.begin, span.end) for _, span, _ in grounded.record.actors[1].form_spans]


def test_a_name_followed_by_a_combining_accent_is_not_a_whole_word_in_one_error_line(tmp_path: Path, run_kg):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "wire.txt").write_text("(Mekong Wire) -- Sok Chantre\u0301 met reporters.\n", encoding="utf-8")
    record = seeds / "wire.yaml"
    record.write_text(RECORD.format(form="Chantre"), encoding="utf-8")
    line = RECORD.splitlines().index('    forms: ["{form}"]') + 1

    result = run_kg("build", "--seeds", str(seeds), "--out", str(tmp_path / "dist"))

    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: {record}:{line}: actors[1].forms[0]: the name 'Chantre' does not appear in the article as a whole word"
    ]


def test_a_name_with_its_combining_accent_is_found_at_offsets_in_code_points_of_the_text():
    text = "Sok Chantre\u0301 met reporters."
    assert mentions(text, "Chantre\u0301") == [(14, 22)]


def test_a_name_composed_into_one_code_point_is_found_as_before():
    assert mentions("Sok Chantré met reporters.", "Chantré") == [(14, 21)]
    with pytest.raises(InputError, match="'Chantre' does not appear in the article as a whole word"):
        mentions("Sok Chantré met reporters.", "Chantre")


def test_a_zero_width_joiner_after_a_name_joins_it_to_what_follows():
    with pytest.raises(InputError, match="'Chantre' does not appear in the article as a whole word"):
        mentions("Sok Chantre\u200d met reporters.", "Chantre")


LETTERS = st.characters(categories=("Lu", "Ll", "Lo"))
JOINING = st.one_of(st.characters(categories=("Mn", "Mc", "Me")), st.sampled_from(["\u200c", "\u200d", "\U0001f3fd"]))
WORDS = st.text(LETTERS, min_size=1, max_size=8)
MARKS = st.text(JOINING, min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(word=WORDS, marks=MARKS)
def test_a_word_before_combining_marks_is_not_a_mention(word, marks):
    assume(word not in "(Wire) -- spoke.")
    with pytest.raises(InputError, match="does not appear in the article as a whole word"):
        mentions(f"{word}{marks} spoke.", word)


@settings(max_examples=200, deadline=None)
@given(word=WORDS, marks=MARKS)
def test_a_word_with_its_combining_marks_is_a_mention_at_its_code_point_offsets(word, marks):
    assume(word not in "(Wire) -- spoke.")
    form = word + marks
    begin = len("(Wire) -- ")
    assert mentions(f"{form} spoke.", form) == [(begin, begin + len(form))]


@settings(max_examples=200, deadline=None)
@given(before=st.one_of(WORDS, st.sampled_from([" ", "(", "-", "\u201c"])), marks=MARKS, word=WORDS)
def test_a_word_after_combining_marks_is_a_mention_only_when_their_base_is_no_word_character(before, marks, word):
    assume(word not in f"(Wire) -- {before}" and word not in "spoke.")
    text = f"{before}{marks}{word} spoke."
    begin = len("(Wire) -- ") + len(before) + len(marks)
    if re.fullmatch(r"\w", before[-1]):
        with pytest.raises(InputError, match="does not appear in the article as a whole word"):
            mentions(text, word)
    else:
        assert mentions(text, word) == [(begin, begin + len(word))]


# Without combining marks and joiners, the mentions are exactly those of the rule as first written:
# each form scanned for on its own with a regular expression, and a mention inside a longer one
# dropped. This is that rule, to hold the one-pass grounding to it.


def mentions_form_by_form(text: str, actors: list[list[str]]) -> list[list[tuple[str, int, int]]]:
    found = [
        [(form, m.start(), m.end()) for form in forms for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)]
        for forms in actors
    ]
    every = [span for spans in found for span in spans]

    def inside(span, longer):
        return longer[1] <= span[1] and span[2] <= longer[2] and longer[2] - longer[1] > span[2] - span[1]

    return [[span for span in spans if not any(inside(span, longer) for longer in every)] for spans in found]


PIECES = st.sampled_from(["Hun", "Sen", "Hun Sen", "a", "aa", "a a", "Lina", "Chantra", "é", "_1", "Mr."])
SEPARATORS = st.sampled_from([" ", " ", ", ", "-", "’s ", "\n", "(", ")", ""])


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.tuples(PIECES, SEPARATORS), min_size=1, max_size=25),
    choices=st.lists(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 12)), min_size=1, max_size=3), min_size=1, max_size=5),
)
def test_one_pass_over_the_text_finds_the_mentions_of_a_scan_for_each_form(pieces, choices):
    words = "".join(piece + separator for piece, separator in pieces)
    forms = [[words[at % len(words) :][:size] for at, size in actor] for actor in choices]
    text = "(Wire) -- " + words
    grounded = article(text, [{"id": f"actor-{n}", "kind": "person", "name": "A", "forms": f} for n, f in enumerate(forms)])
    if any(not re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for actor in forms for form in actor):
        with pytest.raises(InputError, match="does not appear in the article as a whole word"):
            ground(grounded)
        return
    ground(grounded)
    found = [[(form, span.begin, span.end) for form, span, _ in actor.form_spans] for actor in grounded.record.actors]
    assert found == mentions_form_by_form(text, [["Wire"], *forms])


def synthetic(count: int, quotes: bool) -> Article:
    """`count` people with distinct names: the full name once, the family name alone once more."""
    people = [(f"Given{n:05d}", f"Family{n:05d}") for n in range(count)]
    text = "(Wire) -- " + " ".join(f"{given} {family} met the committee, and {family} spoke." for given, family in people)
    actors = [
        {"id": f"person-{n}", "kind": "person", "name": f"{given} {family}", "forms": [f"{given} {family}", family],
         "quotes": [f"{given} {family} met the committee"] if quotes else []}
        for n, (given, family) in enumerate(people)
    ]
    return article(text, actors)


def test_ten_thousand_actors_with_a_quote_each_are_all_grounded():
    grounded = synthetic(10_000, quotes=True)
    ground(grounded)
    last = grounded.record.actors[-1]
    begin = grounded.text.index("Given09999 Family09999")
    assert [(form, span.begin) for form, span, _ in last.form_spans] == [
        ("Given09999 Family09999", begin),
        ("Family09999", grounded.text.index("and Family09999") + len("and ")),
    ]
    assert last.quotes[0].span.begin == begin
    assert sum(len(actor.form_spans) for actor in grounded.record.actors) == 1 + 2 * 10_000


def test_a_quote_found_once_inside_its_event_is_placed_there_whatever_else_the_text_holds():
    text = "(Wire) -- " + "the leader spoke. " * 500 + "At the summit the leader arrived."
    grounded = article(
        text,
        [{"id": "leader", "kind": "person", "name": "The leader", "quotes": [{"text": "the leader", "occurrence": 1}]}],
        [{"id": "arrival", "kind": "visit", "label": "Arrival", "status": "happened",
          "quotes": ["At the summit the leader arrived"],
          "roles": [{"role": "visitor", "actor": "leader", "quotes": ["the leader"]}]}],
    )
    ground(grounded)
    assert grounded.record.events[0].roles[0].quotes[0].span.begin == text.index("the leader arrived")


def test_an_ambiguous_quote_names_ten_of_its_places_and_counts_the_rest():
    text = "(Wire) -- " + "Sok spoke. " * 12
    grounded = article(text, [{"id": "sok", "kind": "person", "name": "Sok", "quotes": ["Sok spoke"]}])
    with pytest.raises(InputError) as raised:
        ground(grounded)
    places = ", ".join(f"line 1 col {11 + 11 * n}" for n in range(10))
    assert str(raised.value) == (
        f"wire.yaml:1: actors[1].quotes[0]: 'Sok spoke' is ambiguous: it appears 12 times in the article "
        f"({places} and 2 more); add 'occurrence: N' to choose one"
    )
