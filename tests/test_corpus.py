"""The synthetic corpus of the benchmarks: the same bytes for the same seed, and every article builds;
what the query benchmark runs, and with which stand-ins for the seed's resources."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from benchmarks.bench_corpus_queries import StandIns, example_params, kind, parse_overrides
from benchmarks.corpus import Namer, article, write_corpus
from kg.build import build
from kg.query import bind_params, list_queries, load_query, open_dataset
from kg.write import open_store
from kg.vocab import RDF, SCHEMA


def _digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_the_same_count_and_seed_give_the_same_files(tmp_path: Path):
    write_corpus(3, tmp_path / "a")
    write_corpus(3, tmp_path / "b")
    write_corpus(3, tmp_path / "c", seed=1)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")


def test_the_records_are_the_bytes_of_pyyamls_own_emitter():
    # The corpus writes its records with libyaml's emitter where PyYAML has it, which must give the
    # bytes of PyYAML's pure-Python one, so that a corpus is the same on every machine.
    namer = Namer(0)
    for number in range(6):  # both templates, three times each
        _, _, record = article(number, namer)
        header, body = record.split("\n", 1)
        assert header.startswith("# Synthetic article")
        assert yaml.safe_dump(yaml.safe_load(body), allow_unicode=True, sort_keys=False, width=1000) == body


def test_every_article_builds_with_shared_actors_merged_and_people_of_their_own(tmp_path: Path):
    records = write_corpus(4, tmp_path / "seeds")
    result = build(tmp_path / "seeds", tmp_path / "dist")
    assert result.articles == len(records) == 4
    content = [graph for graph in result.graphs[:-1]]
    people = [{str(s) for s in graph.subjects(RDF.type, SCHEMA.Person) if "/person/" in str(s)} for graph in content]
    cambodia = [any(str(s).endswith("/country/cambodia") for s in graph.subjects(RDF.type, SCHEMA.Country))
                for graph in content]
    assert cambodia == [True] * 4  # the same country, one IRI, in every article
    assert all(not people[i] & people[j] for i in range(4) for j in range(i + 1, 4))  # nobody in two articles


# The bundled queries sort a text or IRI key as CONCAT("~", STR(?key)), a string made for the sort,
# which Oxigraph compares from memory: the order must be the one the plain key gives.
SORT_KEY = re.compile(r'\(CONCAT\("~", STR\((\?\w+)\)\)\)')


@pytest.fixture(scope="module")
def corpus_dist(tmp_path_factory) -> Path:
    """A built corpus of 12 articles."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(12, folder / "seeds")
    return build(folder / "seeds", folder / "dist").out


def test_the_made_sort_keys_give_the_order_of_the_plain_keys(corpus_dist: Path):
    store = open_store(corpus_dist / "store")
    rewritten = [query for query in list_queries() if SORT_KEY.search(query.text)]
    assert len(rewritten) >= 15
    for query in rewritten:
        plain = SORT_KEY.sub(r"\1", query.text)
        assert not SORT_KEY.search(plain)
        made = [tuple(map(str, row)) for row in store.query(query.text)]
        assert len(made) > 1 or query.name == "said-about", query.name
        assert made == [tuple(map(str, row)) for row in store.query(plain)], query.name


def test_the_query_benchmark_times_each_example_a_given_parameter_standing_in_for_the_examples():
    actor_events = load_query("actor-events")  # an optional actor: an example with it, one without
    assert example_params(actor_events, {}) == [{"actor": "https://kg.example.org/person/hun-sen"}, {}]
    given = parse_overrides(["actor-events:actor=https://kg.example.org/person/someone"])
    assert example_params(actor_events, given) == [{"actor": "https://kg.example.org/person/someone"}, {}]
    evidence = load_query("evidence")  # a required resource, in both examples: one run with the given one
    assert len(example_params(evidence, {})) == 2
    given = parse_overrides(["evidence:resource=https://kg.example.org/person/someone"])
    assert example_params(evidence, given) == [{"resource": "https://kg.example.org/person/someone"}]
    assert example_params(actor_events, parse_overrides(["actor-events:"])) == [{}]


def _rows(dataset, query, params: dict[str, str]) -> int:
    return len(dataset.execute(query, bind_params(query, params)).rows)


def test_an_example_that_finds_nothing_runs_with_the_dataset_s_widest_lookup(corpus_dist: Path):
    dataset = open_dataset(corpus_dist)
    query = load_query("actor-events")
    example = {"actor": "https://kg.example.org/person/hun-sen"}
    assert _rows(dataset, query, example) == 0  # a corpus renames the seed's people
    chosen = StandIns(dataset).params(query, example)
    listing = dataset.execute(query, {})
    column = listing.vars.index("actor")
    lookups = {actor: _rows(dataset, query, {"actor": actor}) for actor in {row[column].value for row in listing.rows}}
    assert len(lookups) > 20
    assert lookups[chosen["actor"]] == max(lookups.values()) > min(lookups.values())


def test_a_required_parameter_s_stand_in_is_of_the_example_s_kind_and_ends_like_it(corpus_dist: Path):
    dataset = open_dataset(corpus_dist)
    stand_ins = StandIns(dataset)
    said_about = load_query("said-about")
    for name in ("hun-sen-visit", "political-detentions"):  # the seed's two events, whose names a corpus keeps
        seed_event = f"https://kg.example.org/event/000_ce469ea1af2cc5a4/{name}"
        event = stand_ins.params(said_about, {"about": seed_event})["about"]
        assert event != seed_event and kind(event) == "https://kg.example.org/event/" and event.endswith(f"/{name}")
        assert _rows(dataset, said_about, {"about": event}) > 0
    evidence = load_query("evidence")  # no listing has a ?resource: an IRI of the same kind, a person
    person = stand_ins.params(evidence, {"resource": "https://kg.example.org/person/hun-sen"})["resource"]
    assert kind(person) == "https://kg.example.org/person/"
    assert _rows(dataset, evidence, {"resource": person}) > 0
    who = load_query("who-is-named")  # a literal, from the ?name of the names listing
    name = stand_ins.params(who, {"name": "Prak Sokhoon"})["name"]
    assert name != "Prak Sokhoon" and _rows(dataset, who, {"name": name}) > 0


def test_an_example_that_finds_something_is_run_as_written(corpus_dist: Path, built_seed):
    corpus = StandIns(open_dataset(corpus_dist))
    who = load_query("who-is-named")
    assert corpus.params(who, {"name": "Asean"}) == {"name": "Asean"}  # an organization the corpus keeps from the seed
    seed = StandIns(open_dataset(built_seed.out))
    for query in list_queries():
        for example in query.examples:
            assert seed.params(query, dict(example)) == dict(example), query.name
