"""A synthetic corpus of N articles with their records, made from kg's own two articles.

Run from the repository:  python tests/benchmarks/corpus.py N OUT [--seed S]

Articles alternate between two templates, the seed article (seeds/) and the fictional Mekong Wire
article (tests/fixtures/articles/), so an article holds about 1,240 triples on average. In each
article the people, the research institute and the news outlets get new names, made of invented
words that no other article uses: every word of their names is replaced in the text and in every
string of the record alike, so every quote is still found in its text. Countries, ASEAN, the
ministries and the military keep their names and ids, so they are the same actors in every article
and the build has to merge them. Publication dates move forward a week per article (the same
weekdays, which "earlier this week" needs), within 2022. The same N and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import functools
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# libyaml's emitter where PyYAML has it: the same bytes as the pure-Python one for these records
# (checked on 10,000 articles), made ten times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Template:
    name: str
    record: Path
    renamed: tuple[str, ...]  # ids of the actors that get new names in each article

    @property
    def text(self) -> Path:
        return self.record.with_suffix(".txt")

    @functools.cached_property
    def parsed(self) -> tuple[str, dict]:
        """The template's text and record, read once: each article changes a copy of the record."""
        return (self.text.read_text(encoding="utf-8"),
                yaml.safe_load(self.record.read_text(encoding="utf-8")))


TEMPLATES = (
    Template(
        "report",
        ROOT / "seeds" / "000_ce469ea1af2cc5a4.yaml",
        ("hun-sen", "min-aung-hlaing", "prak-sokhonn", "zaw-min-tun", "aung-san-suu-kyi",
         "iseas-yusof-ishak-institute", "bloomberg-news", "bloomberg-lp", "phnom-penh-post", "straits-times"),
    ),
    Template(
        "wire",
        ROOT / "tests" / "fixtures" / "articles" / "mekong_wire_2022_03_10.yaml",
        ("hun-sen", "lina-chantra", "mekong-wire"),
    ),
)

_ONSETS = ("b", "d", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "th", "ph", "kh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")


class Namer:
    """Invented words, each used once in the whole corpus: the same actor in one article only."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.used: set[str] = set()

    def word(self, avoid: set[str]) -> str:
        """A new word holding none of the words in `avoid`, so that no quote or cue is found inside it."""
        while True:
            syllables = self.random.randint(2, 4)
            word = "".join(self.random.choice(_ONSETS) + self.random.choice(_VOWELS) for _ in range(syllables))
            lowered, word = word, word.capitalize()
            if word not in self.used and not any(part in lowered for part in avoid):
                self.used.add(word)
                return word


def _words(actor: dict) -> list[str]:
    """The words of an actor's name, forms and misspellings, as they stand in the text."""
    names = [actor["name"], *actor.get("forms", []), *actor.get("misspellings", [])]
    return [word for name in names for word in re.findall(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Z]", name)]


def _rewrite(value, words: re.Pattern, new_words: dict[str, str], new_ids: dict[str, str]):
    """Every string of a record with renamed words replaced, and every renamed id replaced."""
    if isinstance(value, dict):
        return {key: _rewrite(item, words, new_words, new_ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, words, new_words, new_ids) for item in value]
    if isinstance(value, str):
        if value in new_ids:
            return new_ids[value]
        return words.sub(lambda match: new_words[match.group()], value)
    return value


def _shift_dates(published: dict, days: int) -> None:
    for key in ("date", "earliest", "latest"):
        if key in published:
            published[key] = published[key] + datetime.timedelta(days=days)


def article(number: int, namer: Namer) -> tuple[str, str, str]:
    """The id, text and record (YAML) of article `number`."""
    template = TEMPLATES[number % len(TEMPLATES)]
    text, record = template.parsed
    record = copy.deepcopy(record)
    actors = {actor["id"]: actor for actor in record["actors"]}
    new_words: dict[str, str] = {}
    avoid = {word.lower() for word in re.findall(r"\w{3,}", text)}
    for actor_id in template.renamed:
        for word in _words(actors[actor_id]):
            new_words.setdefault(word, namer.word(avoid))
    words = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(new_words, key=len, reverse=True))) + r")(?![\w-])")
    new_ids = {}
    for actor_id in template.renamed:
        name = words.sub(lambda match: new_words[match.group()], actors[actor_id]["name"])
        new_ids[actor_id] = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        actors[actor_id].pop("wikidata", None)  # an invented person has no Wikidata item
    shared = {actor_id: actor.get("description") for actor_id, actor in actors.items()
              if actor_id not in template.renamed}
    record = _rewrite(record, words, new_words, new_ids)
    for actor in record["actors"]:
        if shared.get(actor["id"]) is not None:  # a shared actor is described alike in every article
            actor["description"] = shared[actor["id"]]
    _shift_dates(record["article"]["published"], 7 * (number % 40))  # whole weeks within 2022, as the records say
    record["article"]["published"].pop("note", None)
    text = words.sub(lambda match: new_words[match.group()], text)
    header = f"# Synthetic article {number}, made by tests/benchmarks/corpus.py from {template.record.name}.\n"
    return (f"{number:06d}_{template.name}", text,
            header + yaml.dump(record, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000))


def write_corpus(count: int, out: Path, seed: int = 0) -> list[Path]:
    """Write `count` articles (text and record) into `out`; returns the records."""
    out.mkdir(parents=True, exist_ok=True)
    namer = Namer(seed)
    records = []
    for number in range(count):
        identifier, text, record = article(number, namer)
        (out / f"{identifier}.txt").write_text(text, encoding="utf-8", newline="")
        path = out / f"{identifier}.yaml"
        path.write_text(record, encoding="utf-8")
        records.append(path)
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="folder to write them into (a seeds folder for kg build)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the invented names")
    args = parser.parse_args()
    records = write_corpus(args.count, args.out, args.seed)
    print(f"Wrote {len(records)} articles into {args.out}/", file=sys.stderr)


if __name__ == "__main__":
    main()
