"""Time of grounding (ground(article)) in-process for a synthetic record of N actors.

Run from the repository:  python tests/benchmarks/bench_grounding.py [--actors 1000 10000 100000] [--runs 3]
Each actor is a person with a distinct two-word name and two forms: the full name, which the text
uses once, and the family name, which the text uses once alone and once inside the full name (an
appearance that is not a mention of its own). The record and the text are made once per size, not
timed; grounding then runs once to warm up and `--runs` times measured with time.perf_counter.
Figures are the median, minimum and maximum in seconds, and the median per actor in microseconds.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from pathlib import Path

from kg.ground import ground
from kg.model import Record
from kg.read import Article

SYLLABLES = ["ka", "lo", "mi", "su", "ra", "ten", "vo", "dai", "pen", "sok", "chan", "ny", "bo", "ri", "ta", "lin"]


def names(count: int) -> list[tuple[str, str]]:
    """`count` distinct (given, family) names, each family name used once."""
    words = ("".join(parts).capitalize() for size in itertools.count(2) for parts in itertools.product(SYLLABLES, repeat=size))
    return [(next(words), next(words)) for _ in range(count)]


def synthetic_article(count: int) -> Article:
    people = names(count)
    sentences = [f"{given} {family} met the committee on Tuesday, and {family} spoke first." for given, family in people]
    text = "(Mekong Wire) -- " + " ".join(sentences) + "\n"
    actors = [{"id": "mekong-wire", "kind": "news-outlet", "name": "Mekong Wire", "forms": ["Mekong Wire"]}]
    actors += [
        {"id": f"person-{n}", "kind": "person", "name": f"{given} {family}", "forms": [f"{given} {family}", family]}
        for n, (given, family) in enumerate(people)
    ]
    record = Record.model_validate(
        {"article": {"publisher": "mekong-wire", "published": {"date": "2022-03-10"}, "language": "en"}, "actors": actors}
    )
    return Article("synthetic", record, text, Path("synthetic.yaml"), Path("synthetic.txt"), lines={})


def timed(article: Article, runs: int) -> list[float]:
    ground(article)  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        ground(article)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'actors':>8} {'text chars':>11} {'median s':>9} {'min s':>7} {'max s':>7} {'µs/actor':>9}   ({args.runs} runs each)")
    for count in args.actors:
        article = synthetic_article(count)
        seconds = timed(article, args.runs)
        mentions = sum(len(actor.form_spans) for actor in article.record.actors)
        assert mentions == 1 + 2 * count, f"{mentions} mentions for {count} actors"
        median = statistics.median(seconds)
        print(f"{count:8d} {len(article.text):11d} {median:9.3f} {min(seconds):7.3f} {max(seconds):7.3f} "
              f"{median / (count + 1) * 1e6:9.1f}")


if __name__ == "__main__":
    main()
