"""Hostile records: whatever a record or its folder holds, `kg build` ends, quickly, in one line.

Each case is bad input: exit code 2 and one line `Error: FILE:LINE: field: message`, never a
traceback, never a hang, never a file from outside the seeds folder published as an article.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from kg.build import prepare_article
from kg.cli import main
from kg.read import MAX_DEPTH, read_article
from kg.read.loader import _ComposingLoader, _Loader

RECORD = "000_ce469ea1af2cc5a4.yaml"
TEXT = "000_ce469ea1af2cc5a4.txt"
SEED_RECORD = (SEEDS / RECORD).read_text(encoding="utf-8")
SEED_TEXT = (SEEDS / TEXT).read_bytes()
NOT_PLAIN = ("Input should be", "constrained-str", "union", "Traceback")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the seeds folder."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "seeds"


def build_seeds(folder: Path):
    """`kg build` of a seeds folder, output beside it; click's Result."""
    return CliRunner().invoke(
        main, ["build", "--seeds", str(folder), "--out", str(folder.parent / "dist")], catch_exceptions=False
    )


def edit_record(folder: Path, old: str, new: str) -> Path:
    path = folder / RECORD
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the seed record no longer holds {old!r} once"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_holding(path: Path, marker: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(marker)) + 1


def the_error(result) -> str:
    """The one `Error:` line of a build that must have failed on bad input."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert errors == [lines[-1]], result.stderr
    assert "Traceback" not in result.output
    return errors[0]


@contextlib.contextmanager
def within(seconds: int):
    """Fail instead of hanging: an alarm interrupts whatever runs longer than `seconds`."""

    def fail(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# 1. Characters a record may not hold as written -------------------------------------------------

REFUSED_CHARACTERS = {
    "\x00": ("U+0000 (a control character)", "\\x00"),
    "\x07": ("U+0007 (a control character)", "\\x07"),
    "\x0c": ("U+000C (a control character)", "\\x0c"),
    "\x1b": ("U+001B (a control character)", "\\x1b"),
    "\x1c": ("U+001C (a control character)", "\\x1c"),
    "\x7f": ("U+007F (a control character)", "\\x7f"),
    "\x9f": ("U+009F (a control character)", "\\x9f"),
    "\x85": ("U+0085 (a line break to YAML)", "\\N"),
    "\u2028": ("U+2028 (a line break to YAML)", "\\L"),
    "\u2029": ("U+2029 (a line break to YAML)", "\\P"),
    "\ufffe": ("U+FFFE (a noncharacter)", "\\ufffe"),
    "\uffff": ("U+FFFF (a noncharacter)", "\\uffff"),
}


@pytest.mark.parametrize("character", REFUSED_CHARACTERS, ids=[f"U+{ord(c):04X}" for c in REFUSED_CHARACTERS])
def test_a_character_a_record_may_not_hold_is_named_with_its_line_and_column(seeds: Path, character: str):
    record = edit_record(seeds, "    name: Hun Sen\n", f"    name: Hun{character}Sen\n")
    named, escape = REFUSED_CHARACTERS[character]

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {record}:{line_holding(record, '    name: Hun')}: {named} is not allowed in a record "
        f"(column 14); inside double quotes, write it as {escape}"
    )


def refused(character: str) -> bool:
    """The oracle: C0 and C1 controls but tab, line feed and carriage return; U+FFFE and U+FFFF;
    and what YAML reads as a line break although a person sees none."""
    return (
        (unicodedata.category(character) == "Cc" and character not in "\t\n\r")
        or character in "\ufffe\uffff\u2028\u2029"
    )


REFUSED = [chr(code) for code in range(0x10000) if refused(chr(code))]


@settings(max_examples=60, deadline=None)
@given(
    character=st.sampled_from(REFUSED),
    line=st.integers(min_value=1, max_value=SEED_RECORD.count("\n")),
    column=st.integers(min_value=0, max_value=40),
)
def test_any_refused_character_anywhere_in_a_record_is_refused_at_its_line(character, line, column):
    lines = SEED_RECORD.splitlines(keepends=True)
    at = min(column, len(lines[line - 1].rstrip("\n")))
    lines[line - 1] = lines[line - 1][:at] + character + lines[line - 1][at:]
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        shutil.copytree(SEEDS, seeds)
        (seeds / RECORD).write_text("".join(lines), encoding="utf-8")

        error = the_error(build_seeds(seeds))

    assert error.startswith(f"Error: {seeds / RECORD}:{line}: U+{ord(character):04X} ("), error
    assert f"is not allowed in a record (column {at + 1})" in error


# 2. Keys that are not field names ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("? [a, b]\n    : 1", "a key must be a field name, not a list or mapping"),
        ("? {a: 1}\n    : 1", "a key must be a field name, not a list or mapping"),
        ("[a]: 1", "a key must be a field name, not a list or mapping"),
        ("1: x", "a key must be a field name; YAML reads '1' as a number"),
        ("yes: x", "a key must be a field name; YAML reads 'yes' as true or false"),
        ("~: x", "a key must be a field name; YAML reads '~' as null"),
    ],
    ids=["block_list", "block_mapping", "flow_list", "number", "boolean", "null"],
)
def test_a_key_that_is_not_a_field_name_is_refused(seeds: Path, key: str, says: str):
    record = edit_record(seeds, "    name: Hun Sen\n", f"    name: Hun Sen\n    {key}\n")

    error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:{line_holding(record, '    name: Hun Sen') + 1}: actors[0]: {says}"


def test_a_list_as_a_key_inside_a_flow_mapping_is_refused(seeds: Path):
    record = edit_record(seeds, "    name: Hun Sen\n", "    name: Hun Sen\n    description: {[a]: 1}\n")

    error = the_error(build_seeds(seeds))

    line = line_holding(record, "    description: {[a]")
    assert error == f"Error: {record}:{line}: actors[0].description: a key must be a field name, not a list or mapping"


# 3. Nesting -------------------------------------------------------------------------------------

NESTED_TOO_DEEP = f"lists and mappings nested more than {MAX_DEPTH} deep are not allowed in a record"


@pytest.mark.parametrize(
    ("value", "marker"),
    [("[" * 1000 + "]" * 1000, "    name: ["), ("[" * 100_000, "    name: ["), ("{a: " * 1000 + "}" * 1000, "    name: {")],
    ids=["thousand_lists", "hundred_thousand_unclosed", "thousand_mappings"],
)
def test_nesting_deeper_than_the_cap_is_refused_without_recursion(seeds: Path, value: str, marker: str):
    record = edit_record(seeds, "    name: Hun Sen\n", f"    name: {value}\n")

    with within(20):
        error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:{line_holding(record, marker)}: {NESTED_TOO_DEEP}"


def test_nesting_in_block_style_is_refused_at_the_line_of_the_level_too_many(seeds: Path):
    record = seeds / RECORD
    record.write_text("".join("  " * level + "-\n" for level in range(100)), encoding="utf-8")

    error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:{MAX_DEPTH + 1}: {NESTED_TOO_DEEP}"


def nested_lists(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_nesting_up_to_the_cap_is_read_and_one_level_more_is_not():
    at_the_cap = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # the mapping is a level
    assert yaml.load(at_the_cap, Loader=_Loader) == {"a": nested_lists(MAX_DEPTH - 1)}
    with pytest.raises(yaml.YAMLError, match=NESTED_TOO_DEEP):
        yaml.load("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, Loader=_Loader)


def test_libyaml_composing_reads_up_to_the_cap_and_refuses_one_level_more():
    at_the_cap = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert yaml.load(at_the_cap, Loader=_ComposingLoader) == {"a": nested_lists(MAX_DEPTH - 1)}
    with pytest.raises(yaml.YAMLError, match=NESTED_TOO_DEEP):
        yaml.load("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, Loader=_ComposingLoader)


# 4. Anchors, aliases, tags, sizes ---------------------------------------------------------------

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
)
ANCHORS = "anchors and aliases (&, *) are not allowed in a record"


def test_an_alias_bomb_is_refused_at_its_first_anchor_at_once(seeds: Path):
    record = seeds / RECORD
    record.write_text(BILLION_LAUGHS, encoding="utf-8")

    with within(10):
        error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:1: {ANCHORS}"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("    name: Hun Sen\n", "    name: &hun Hun Sen\n", ANCHORS),
        ("    forms: [Hun Sen]\n", "    forms: [*hun]\n", ANCHORS),
        ("    name: Hun Sen\n", "    name: !!binary SHVuIFNlbg==\n", "tags (!, !!) are not allowed in a record"),
        ("    name: Hun Sen\n", "    name: !!str Hun Sen\n", "tags (!, !!) are not allowed in a record"),
        ("    name: Hun Sen\n", "    name: ! Hun Sen\n", "tags (!, !!) are not allowed in a record"),
    ],
    ids=["anchor", "alias", "binary_tag", "str_tag", "bare_tag"],
)
def test_anchors_aliases_and_tags_are_refused_at_their_line(seeds: Path, old: str, new: str, says: str):
    record = edit_record(seeds, old, new)

    error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:{line_holding(record, new.rstrip())}: {says}"


def test_a_merge_key_is_an_unknown_field_not_a_merge(seeds: Path):
    record = edit_record(seeds, "    name: Hun Sen\n", "    name: Hun Sen\n    <<: {description: merged}\n")

    error = the_error(build_seeds(seeds))

    assert error.startswith(f"Error: {record}:{line_holding(record, '    <<:')}: actors[0]['<<']: unknown field; known: ")


def test_a_record_larger_than_one_mib_is_refused_before_it_is_read(seeds: Path):
    record = seeds / RECORD
    with record.open("r+b") as file:
        file.truncate(1 << 30)  # a sparse gibibyte: only its size is looked at

    with within(10):
        error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}: the record is larger than 1 MiB, the most kg reads"


def test_an_article_text_larger_than_ten_mib_is_refused(seeds: Path):
    (seeds / TEXT).write_bytes(SEED_TEXT + b"x" * (10 << 20))

    error = the_error(build_seeds(seeds))

    assert error == f"Error: {seeds / TEXT}: the article text is larger than 10 MiB, the most kg reads"


def test_a_number_too_long_to_convert_is_refused(seeds: Path):
    record = edit_record(seeds, "    year: 2022\n", f"    year: {'7' * 5000}\n")

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {record}:{line_holding(record, '    year: 777')}: a number longer than 100 characters "
        "is not allowed in a record; put it in quotes if it is text"
    )


# 5. Strict types, and messages in the record's words --------------------------------------------

COUNTRY = "      - {text: the country, occurrence: 1}\n"
YEAR = "    year: 2022\n"
NAME = "    name: Hun Sen\n"
QUOTE = "    quotes: [The Cambodian leader]\n"
WHOLE_NUMBER = "occurrence must be a whole number from 1 (the first match) upward"
A_QUOTE = "quotes[0] must be words of the article, or a mapping of text and occurrence"
EVENT_KINDS = (
    "'visit', 'meeting', 'coup', 'armed-conflict', 'crisis', 'lecture', 'summit', 'chair-rotation', "
    "'proposal', 'agreement', 'sanctions', 'campaign', 'detention', 'prosecution', 'legitimisation', 'split', "
    "'appointment', 'verdict', 'sentence', 'sentence-reduction'"
)
WRONG_VALUES = {
    # name: (line replaced, its replacement, the error's line, field, message)
    "occurrence_true": (COUNTRY, "      - {text: the country, occurrence: true}\n", "occurrence: true",
                        "actors[7].quotes[0].occurrence", f"{WHOLE_NUMBER}; got true"),
    "occurrence_zero": (COUNTRY, "      - {text: the country, occurrence: 0}\n", "occurrence: 0",
                        "actors[7].quotes[0].occurrence", f"{WHOLE_NUMBER}; got the number 0"),
    "occurrence_text": (COUNTRY, "      - {text: the country, occurrence: '1'}\n", "occurrence: '1'",
                        "actors[7].quotes[0].occurrence", f"{WHOLE_NUMBER}; got '1'"),
    "occurrence_float": (COUNTRY, "      - {text: the country, occurrence: 1.0}\n", "occurrence: 1.0",
                         "actors[7].quotes[0].occurrence", f"{WHOLE_NUMBER}; got the number 1.0"),
    "year_true": (YEAR, "    year: true\n", "    year: true", "article.copyright.year",
                  "year must be a whole number from 1000 to 9999; got true"),
    "year_text": (YEAR, "    year: '2022'\n", "    year: '2022'", "article.copyright.year",
                  "year must be a whole number from 1000 to 9999; got '2022'"),
    "string_given_list": (NAME, "    name: [Hun Sen]\n", "    name: [", "actors[0].name",
                          "name must be a string; got a list"),
    "string_given_mapping": (NAME, "    name: {first: Hun}\n", "    name: {", "actors[0].name",
                             "name must be a string; got a mapping"),
    "string_given_number": (NAME, "    name: 1984\n", "    name: 1984", "actors[0].name",
                            "name must be a string; got the number 1984 (put it in quotes to make it a string)"),
    "string_given_null": (NAME, "    name:\n", "    name:\n", "actors[0].name",
                          "name must be a string; got nothing (null) (put it in quotes to make it a string)"),
    "string_given_yes": (NAME, "    name: yes\n", "    name: yes", "actors[0].name",
                         "name must be a string; got true (YAML reads yes, no, on, off, true and false as true "
                         "or false: put the words in quotes)"),
    "string_empty": (NAME, "    name: ''\n", "    name: ''", "actors[0].name", "name must not be empty"),
    "quote_given_list": (QUOTE, "    quotes: [[The Cambodian leader]]\n", "    quotes: [[", "actors[0].quotes[0]",
                         f"{A_QUOTE}; got a list"),
    "quote_given_number": (QUOTE, "    quotes: [7]\n", "    quotes: [7]", "actors[0].quotes[0]",
                           f"{A_QUOTE}; got the number 7"),
    "quote_empty": (QUOTE, "    quotes: ['']\n", "    quotes: ['']", "actors[0].quotes[0]",
                    "quotes[0] must not be empty"),
    "quote_text_given_list": (QUOTE, "    quotes: [{text: [a]}]\n", "    quotes: [{text", "actors[0].quotes[0].text",
                              "text must be a string; got a list"),
    "list_given_string": ("    forms: [Hun Sen]\n", "    forms: Hun Sen\n", "    forms: Hun Sen", "actors[0].forms",
                          "forms must be a list; got 'Hun Sen'"),
    "enum_given_list": ("    kind: person\n    name: Hun Sen\n", "    kind: [person]\n    name: Hun Sen\n",
                        "    kind: [person]", "actors[0].kind",
                        "kind must be one of 'person', 'country', 'organization', 'government', 'news-outlet', "
                        "'research-organization', 'group' or 'place'; got a list"),
    "id_given_number": ("  - id: hun-sen-visit\n", "  - id: 17\n", "  - id: 17", "events[0].id",
                        "id must be a string; got the number 17 (put it in quotes to make it a string)"),
    "pattern_mismatch": ("  language: en\n", "  language: English\n", "  language: English", "article.language",
                         "language must be a BCP 47 language tag, e.g. en or pt-BR; got 'English'"),
    "date_given_number": ("    earliest: 2022-01-04\n", "    earliest: 1641254400\n", "    earliest:",
                          "article.published.earliest",
                          "earliest must be a date written YYYY-MM-DD; got the number 1641254400"),
    "date_given_datetime": ("    earliest: 2022-01-04\n", "    earliest: 2022-01-04T00:00:00\n", "    earliest:",
                            "article.published.earliest",
                            "earliest must be a date written YYYY-MM-DD; got '2022-01-04T00:00:00'"),
    "date_impossible": ("    earliest: 2022-01-04\n", "    earliest: 2022-13-04\n", "    earliest:",
                        "article.published.earliest",
                        "earliest must be a date written YYYY-MM-DD; got '2022-13-04' "
                        "(month value is outside expected range of 1-12)"),
    "mapping_given_string": (NAME, "    name: Hun Sen\n    based_in: Phnom Penh\n", "    based_in:",
                             "actors[0].based_in", "based_in must be a mapping of actor, quotes; got 'Phnom Penh'"),
    "event_without_kind": ("    kind: visit\n", "", "  - id: hun-sen-visit", "events[0]",
                           "required field 'kind' is missing; known: 'visit', 'meeting', 'appointment', 'verdict', "
                           "'sentence', 'sentence-reduction', 'coup', 'armed-conflict', 'crisis', 'lecture', "
                           "'summit', 'chair-rotation', 'proposal', 'agreement', 'sanctions', 'campaign', "
                           "'detention', 'prosecution', 'legitimisation', 'split'"),
    "event_kind_given_list": ("    kind: visit\n", "    kind: [visit]\n", "  - id: hun-sen-visit", "events[0]",
                              f"unknown kind a list; known: {EVENT_KINDS}"),
}


@pytest.mark.parametrize("case", WRONG_VALUES)
def test_a_value_of_the_wrong_type_is_explained_in_the_records_words(seeds: Path, case: str):
    old, new, marker, field, says = WRONG_VALUES[case]
    record = edit_record(seeds, old, new)

    error = the_error(build_seeds(seeds))

    assert error == f"Error: {record}:{line_holding(record, marker)}: {field}: {says}"


def seed_paths(node, here=()):
    """Every path in the seed record's data: mapping keys and list items."""
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from seed_paths(value, here + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from seed_paths(value, here + (index,))


SEED_DATA = yaml.load(SEED_RECORD, Loader=_Loader)
SEED_PATHS = [path for path in seed_paths(SEED_DATA) if path]
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(SEED_PATHS), value=YAML_VALUES)
def test_any_value_in_any_field_builds_or_is_one_plain_error_line(path, value):
    data = yaml.load(SEED_RECORD, Loader=_Loader)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        shutil.copytree(SEEDS, seeds)
        (seeds / RECORD).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

        with within(60):
            result = build_seeds(seeds)

    assert not any(words in result.output for words in NOT_PLAIN), result.output
    if result.exit_code == 1:
        # A record that reads well but states what cannot be (a sentence with no defendant, its
        # roles emptied) is the shapes' to refuse: exit 1 with the report, as documented.
        assert result.stderr.startswith("Error: the data does not conform to the shapes:"), result.stderr
    elif result.exit_code != 0:
        assert re.fullmatch(rf"Error: {re.escape(str(seeds / RECORD))}:\d+: .+", the_error(result))


# 6. Paths in a record ---------------------------------------------------------------------------

TEXT_LINE = "  publisher: bloomberg-news\n"


def name_text(folder: Path, name: str) -> Path:
    """The record edited to name its article text `name` (a YAML double-quoted string)."""
    return edit_record(folder, TEXT_LINE, f'  text: "{name}"\n{TEXT_LINE}')


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("/etc/passwd", "'/etc/passwd' is an absolute path"),
        ("/proc/self/environ", "'/proc/self/environ' is an absolute path"),
        ("../../x", "'../../x' leads out of it"),
        ("../seeds/../../x.txt", "'../seeds/../../x.txt' leads out of it"),
        ("../../../../../../../../dev/zero", "'../../../../../../../../dev/zero' leads out of it"),
        (".", "'.' names the folder itself"),
        ("a\\0b", "'a\\x00b' holds a NUL character"),
    ],
    ids=["etc_passwd", "proc_environ", "dot_dot", "dot_dot_round_trip", "dev_zero", "folder_itself", "nul"],
)
def test_a_text_path_leading_out_of_the_records_folder_is_refused(seeds: Path, name: str, says: str):
    record = name_text(seeds, name)

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {record}:{line_holding(record, '  text:')}: article.text: "
        f"the article text must be a file in the record's folder; {says}"
    )


def test_a_symbolic_link_from_the_text_out_of_the_folder_is_refused(seeds: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n", encoding="utf-8")
    (seeds / TEXT).unlink()
    (seeds / TEXT).symlink_to(secret)

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {seeds / RECORD}:{line_holding(seeds / RECORD, 'article:')}: article.text: the article text "
        f"must be a file in the record's folder; '{TEXT}' is a symbolic link that leads out of it"
    )
    assert "hunter2" not in error


def test_a_symbolic_link_from_a_record_out_of_the_folder_is_refused(seeds: Path, tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(SEED_RECORD, encoding="utf-8")
    (seeds / "linked.yaml").symlink_to(outside)

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {seeds / 'linked.yaml'}: the record must be a file in the record's folder; "
        "'linked.yaml' is a symbolic link that leads out of it"
    )


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_an_article_text_that_is_not_a_regular_file_is_refused(seeds: Path, kind: str):
    (seeds / TEXT).unlink()
    if kind == "fifo":
        os.mkfifo(seeds / TEXT)
    else:
        (seeds / TEXT).mkdir()

    with within(10):
        error = the_error(build_seeds(seeds))

    it_is = "a device, FIFO or socket" if kind == "fifo" else "a folder"
    assert error == (
        f"Error: {seeds / RECORD}:{line_holding(seeds / RECORD, 'article:')}: article.text: "
        f"the article text '{TEXT}' must be a regular file; it is {it_is}"
    )


def test_a_text_in_a_subfolder_or_through_a_link_inside_the_folder_is_read(seeds: Path):
    (seeds / "texts").mkdir()
    (seeds / TEXT).rename(seeds / "texts" / "bloomberg.txt")
    (seeds / "current.txt").symlink_to(Path("texts") / "bloomberg.txt")
    name_text(seeds, "nowhere/../current.txt")

    article = read_article(seeds / RECORD)

    assert article.text.encode("utf-8") == SEED_TEXT
    assert article.text_path == seeds / "texts" / "bloomberg.txt"


# 7. Record file names ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["...yaml", "..yaml", ".yaml", "-x.yaml", "a b.yaml", "é.yml"])
def test_a_record_name_that_is_no_article_id_is_refused(seeds: Path, name: str):
    shutil.copy(seeds / RECORD, seeds / name)
    suffix = ".yml" if name.endswith(".yml") else ".yaml"

    error = the_error(build_seeds(seeds))

    assert error == (
        f"Error: {seeds}: {name!r} cannot be a record: the name before {suffix} is the article's id, "
        "which starts with a letter or digit and holds only letters, digits, '.', '_' and '-'"
    )


@pytest.mark.parametrize(
    ("make", "it_is"),
    [
        (lambda path: path.mkdir(), "a folder"),
        (lambda path: path.symlink_to("nowhere.yaml"), "a symbolic link that leads nowhere"),
        (lambda path: os.mkfifo(path), "not a regular file (a device, FIFO or socket)"),
    ],
    ids=["folder", "dangling_link", "fifo"],
)
def test_an_entry_named_like_a_record_that_is_no_file_is_refused(seeds: Path, make, it_is: str):
    make(seeds / "extra.yaml")

    with within(10):
        error = the_error(build_seeds(seeds))

    assert error == f"Error: {seeds / 'extra.yaml'}: a record must be a regular file; this is {it_is}"


def test_two_records_of_one_article_id_are_refused_naming_both(seeds: Path):
    shutil.copy(seeds / RECORD, seeds / RECORD.replace(".yaml", ".yml"))

    error = the_error(build_seeds(seeds))

    stem = RECORD.removesuffix(".yaml")
    assert error == f"Error: {seeds}: two records of the article '{stem}': {stem}.yaml and {stem}.yml; keep one"


# 8. The article text is kept as written ---------------------------------------------------------

ODD_BUT_KEPT = "\u2028\u2029\x85\x1c\x1d\x1e\x0c\x07\ufeff"


def test_odd_characters_in_the_article_text_are_kept_byte_for_byte(seeds: Path):
    odd = SEED_TEXT + f"\nA line{ODD_BUT_KEPT}with odd characters.\n".encode("utf-8")
    (seeds / TEXT).write_bytes(odd)

    article = read_article(seeds / RECORD)

    assert article.text.encode("utf-8") == odd


def test_a_quote_escaping_odd_characters_is_found_in_the_article_text(seeds: Path):
    (seeds / TEXT).write_bytes(SEED_TEXT + "\nPara\u2028graph\x1cend.\n".encode("utf-8"))
    edit_record(seeds, "    quotes: [The Cambodian leader]\n", '    quotes: [The Cambodian leader, "Para\\Lgraph\\x1cend"]\n')

    article = prepare_article(seeds / RECORD)

    span = article.record.actors[0].quotes[1].span
    assert article.text[span.begin : span.end] == "Para\u2028graph\x1cend"


def test_a_record_may_hold_every_character_yaml_reads_as_written_and_no_other():
    """The refused characters, as kg.read.loader lists them, are the complement of what YAML 1.1 allows in
    a stream (tab, line feed, carriage return, printable ASCII, U+00A0 to U+FFFD but the surrogates,
    and beyond U+FFFF) less the line breaks a person does not see (U+0085, U+2028, U+2029)."""
    from kg.read.loader import _NOT_IN_RECORD

    def allowed(code: int) -> bool:
        return (code in (0x09, 0x0A, 0x0D) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD or code >= 0x10000) and code not in (0x2028, 0x2029)

    wrong = [hex(code) for code in range(0x110000) if (_NOT_IN_RECORD.match(chr(code)) is None) != allowed(code)]
    assert wrong == []
