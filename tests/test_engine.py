"""The per-article engine: a cache that redoes exactly what changed, workers and Dask that change no byte,
and per-article checks that reach the verdict of one check over the whole dataset."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest

import kg.build
import kg.cli
import kg.engine.runner
from conftest import SEEDS, assemblers, seeds_with_second_article
from terminal import kg_on_a_terminal
from kg.build import build
from kg.check import Finding, load_shapes, run_shapes
from kg.engine.article import ArticleJob, run_article
from kg.engine.cache import Cache, file_digest
from kg.engine.progress import Progress, StoreProgress
from kg.engine.result import ArticleResult
from kg.engine.spanning import Totals
from kg.errors import InputError, NotConformingError
from kg.iris import DEFAULT_BASE
from kg.resources import shipped_dir
from kg.write import FILES, GraphText, open_store
from kg.vocab import merged

SEED = "000_ce469ea1af2cc5a4"
FICTION = "mekong_wire_2022_03_10"


def _files(out: Path) -> dict[str, str]:
    """Every file's sha256, but the store's and the list of files, which give inodes and times."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*"))
            if path.is_file() and "store" not in path.relative_to(out).parts and path.name != FILES}


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return seeds_with_second_article(tmp_path / "seeds")


def _build(seeds: Path, **options):
    out = seeds.parent / "dist"
    return build(seeds, out, cache=seeds.parent / "cache", workers=1, **options)


def test_a_second_build_takes_every_article_from_the_cache_and_writes_the_same_bytes(seeds: Path):
    first = _build(seeds)
    files = _files(first.out)
    second = _build(seeds)
    assert (first.built, second.built) == (2, 0)
    assert _files(second.out) == files


@pytest.mark.parametrize("changed", [f"{FICTION}.txt", f"{FICTION}.yaml"])
def test_a_changed_text_or_record_rebuilds_that_article_alone(seeds: Path, changed: str):
    _build(seeds)
    path = seeds / changed
    path.write_bytes(path.read_bytes() + b"\n")
    again = _build(seeds)
    assert again.built == 1
    fresh = build(seeds, seeds.parent / "fresh", cache=False, workers=1)
    assert _files(again.out) == _files(fresh.out)


def test_changed_shapes_or_a_changed_kg_rebuild_every_article(seeds: Path, monkeypatch):
    _build(seeds)
    monkeypatch.setattr(kg.build, "shapes_digest", lambda folder: "sha256:" + "0" * 64)
    assert _build(seeds).built == 2
    monkeypatch.setattr(kg.build, "code_digest", lambda: "another kg")
    assert _build(seeds).built == 2


def test_another_base_iri_rebuilds_every_article(seeds: Path):
    _build(seeds)
    assert _build(seeds, base="https://news.example.net/").built == 2


def test_a_removed_article_is_gone_from_every_file(seeds: Path):
    _build(seeds)
    for path in seeds.glob(f"{FICTION}.*"):
        path.unlink()
    result = _build(seeds)
    assert result.articles == 1 and result.built == 0
    assert not (result.out / "graphs" / f"{FICTION}.ttl").exists()
    assert FICTION not in (result.out / "kg.nq").read_text(encoding="utf-8")
    assert _files(result.out) == _files(build(SEEDS, seeds.parent / "seed-only", cache=False, workers=1).out)


def test_a_damaged_cache_entry_is_a_miss_not_an_error(seeds: Path):
    first = _build(seeds)
    for entry in (seeds.parent / "cache").rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    again = _build(seeds)
    assert again.built == 2
    assert _files(again.out) == _files(first.out)


def test_a_cache_entry_missing_a_graph_file_is_a_miss(seeds: Path):
    first = _build(seeds)
    next((seeds.parent / "cache").rglob("*.trig")).unlink()
    again = _build(seeds)
    assert again.built == 1
    assert _files(again.out) == _files(first.out)


@pytest.mark.parametrize("edit", ["longer", "the same size"])
def test_a_cache_graph_file_changed_after_its_entry_is_a_miss_and_written_again(seeds: Path, edit: str):
    first = _build(seeds)
    # An article's part, beside its entry (not the kept metadata graph, graph-*.nq, which has none).
    part, entry = next((nq, nq.with_name(nq.name.split("-")[0] + ".json"))
                       for nq in (seeds.parent / "cache").rglob("*.nq")
                       if nq.with_name(nq.name.split("-")[0] + ".json").is_file())
    content = part.read_bytes()
    forged = content.replace(b"Hun Sen", b"Hun Sun") if edit == "the same size" else content + content[:200]
    assert forged != content
    part.write_bytes(forged)
    kept = entry.stat().st_mtime_ns
    os.utime(part, ns=(kept + 10**9, kept + 10**9))  # later than the entry, whatever the clock's grain
    again = _build(seeds)
    assert again.built == 1
    assert _files(again.out) == _files(first.out)
    assert part.read_bytes() == content  # the article's build wrote it again, and its entry vouches for it
    assert _build(seeds).built == 0


def test_the_digest_of_a_pipe_or_a_device_is_none_and_nothing_is_read(tmp_path: Path):
    pipe = tmp_path / "text.txt"
    os.mkfifo(pipe)  # no writer: reading it would wait for ever
    assert file_digest(pipe) is None and file_digest("/dev/zero") is None
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "real.txt")
    (tmp_path / "real.txt").write_bytes(b"x")
    assert file_digest(link) == hashlib.sha256(b"x").hexdigest()
    assert file_digest(link, follow_links=False) is None


def test_a_text_made_a_pipe_after_a_build_is_an_input_error_not_a_wait(seeds: Path):
    # The cache's lookup hashes the text it kept the result for: it must not open a pipe, which
    # would wait for a writer for ever, and kg's reader then refuses it by its line.
    _build(seeds)
    text = seeds / f"{FICTION}.txt"
    text.unlink()
    os.mkfifo(text)
    with pytest.raises(InputError, match="must be a regular file"):
        _build(seeds)


def test_the_store_is_updated_from_the_description_the_cache_kept_not_read_back_from_the_store(seeds: Path,
                                                                                              monkeypatch):
    from kg.write import store

    first = _build(seeds)
    kept = list((seeds.parent / "cache").rglob("graph-*.nq"))
    assert [path.read_bytes() for path in kept] == [first.texts[-1].nquads]  # the description's N-Quads
    record = seeds / f"{FICTION}.yaml"
    record.write_bytes(record.read_bytes() + b"# a comment changes the record's digest in the description\n")
    monkeypatch.setattr(store, "_CHANGED_AT_MOST", 1.0)  # updated, though one graph of three changed
    calls = Counter()
    for name in ("_stored_lines", "_as_stored"):
        monkeypatch.setattr(store, name, lambda *args, function=getattr(store, name): (
            calls.update([function.__name__]) or function(*args)))
    again = _build(seeds)
    assert calls["_as_stored"] and calls["_stored_lines"] == calls["_as_stored"]  # each in memory, none from the store
    fresh = build(seeds, seeds.parent / "fresh", cache=False, workers=1)
    assert set(open_store(again.out / "store")) == set(open_store(fresh.out / "store"))
    assert [path.read_bytes() for path in (seeds.parent / "cache").rglob("graph-*.nq")] == [again.texts[-1].nquads]


def test_kept_n_quads_that_lost_their_digest_are_not_given(tmp_path: Path):
    cache = Cache(tmp_path / "cache", tmp_path, "salt")
    graph = GraphText("https://g", "metadata", b'<https://s> <https://p> "o" <https://g> .\n')
    cache.keep_graph(graph)
    assert cache.kept_graph(graph.sha256()) == graph.nquads
    assert cache.kept_graph("../" + graph.sha256()[3:]) is None and cache.kept_graph("0" * 64) is None
    next((tmp_path / "cache").rglob("graph-*.nq")).write_bytes(b"")
    assert cache.kept_graph(graph.sha256()) is None


def test_cached_graphs_are_written_from_the_cache_files_not_held_in_memory(seeds: Path):
    _build(seeds)
    cache = seeds.parent / "cache"
    again = _build(seeds)
    parts = [getattr(graph, part) for graph in again.texts[:-1] for part in ("nquads", "turtle", "trig", "jsonld")]
    assert parts and all(isinstance(part, Path) and cache in part.parents for part in parts)


def test_the_cache_keeps_only_what_the_last_build_used(seeds: Path):
    _build(seeds)
    record = seeds / f"{FICTION}.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("Reporters at the talks", "Reporters at the meeting"), encoding="utf-8")
    _build(seeds)
    files = [path for path in (seeds.parent / "cache").rglob("*") if path.is_file() and path.name != ".lock"]
    # one entry a record (its JSON and its graph's four files), the shapes' plan and the description's
    # findings and N-Quads; beside them the lock that builds share (kg.engine.cache.Cache.share)
    assert sorted(path.suffix for path in files) == sorted([".json"] * 4 + [".nq", ".ttl", ".trig", ".jsonld"] * 2
                                                           + [".nq"])


def test_a_build_does_not_prune_the_cache_while_another_build_uses_it(seeds: Path):
    _build(seeds)
    cache = seeds.parent / "cache"
    other = Cache(cache, seeds, "another build's salt")
    other.share()  # a build running at once, which may be reading the files this one no longer uses
    record = seeds / f"{FICTION}.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("Reporters at the talks", "Reporters at the meeting"),
                      encoding="utf-8")
    assert _build(seeds).built == 1
    assert len(list(cache.rglob("*.jsonld"))) == 3  # the changed article's old files are still there
    del other  # that build ends: its lock goes with it
    assert _build(seeds).built == 0
    assert len(list(cache.rglob("*.jsonld"))) == 2  # alone, the build pruned them


def test_an_error_is_not_cached_and_the_other_articles_are(seeds: Path):
    record = seeds / f"{FICTION}.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("kind: meeting", "kind: meting"), encoding="utf-8")
    with pytest.raises(InputError):
        _build(seeds)
    record.write_text(good, encoding="utf-8")
    assert _build(seeds).built == 1  # the mended record; the seed's result was kept


def test_two_workers_write_the_same_bytes_as_one(seeds: Path, tmp_path: Path):
    one = build(seeds, tmp_path / "one", cache=False, workers=1)
    two = build(seeds, tmp_path / "two", cache=False, workers=2)
    assert _files(one.out) == _files(two.out)


@pytest.mark.parametrize("with_text", [False, True])
def test_whole_files_written_apart_as_the_articles_come_are_the_same_bytes(seeds: Path, tmp_path: Path,
                                                                         monkeypatch, with_text: bool):
    """A big build has kg.nq, kg.trig, kg.ttl and kg.jsonld written by a process of their own as the
    articles are folded (kg.write.assembler): the same bytes as written at the end, built or cached, and
    with a changed article built by a worker while the others are looked up."""
    at_the_end = build(seeds, tmp_path / "at-the-end", cache=False, workers=1, with_text=with_text)
    monkeypatch.setattr(kg.build, "_ASSEMBLED_APART_FROM", 1)
    apart = _build(seeds, with_text=with_text)
    assert _files(apart.out) == _files(at_the_end.out)
    path = seeds / f"{FICTION}.yaml"
    path.write_bytes(path.read_bytes() + b"\n")
    again = build(seeds, apart.out, cache=seeds.parent / "cache", workers=2, with_text=with_text)
    assert again.built == 1
    fresh = build(seeds, tmp_path / "fresh", cache=False, workers=1, with_text=with_text)
    assert _files(again.out) == _files(fresh.out)
    assert assemblers() == []


def test_a_failed_build_ends_the_process_writing_the_whole_files_and_leaves_dist(seeds: Path, monkeypatch):
    first = _build(seeds)
    files = _files(first.out)
    monkeypatch.setattr(kg.build, "_ASSEMBLED_APART_FROM", 1)
    record = seeds / f"{FICTION}.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("kind: meeting", "kind: meting"), encoding="utf-8")
    with pytest.raises(InputError):
        _build(seeds)
    assert assemblers() == []
    assert _files(first.out) == files
    assert [path.name for path in seeds.parent.iterdir() if path.name.startswith(".dist-")] == []


def test_collect_hands_on_what_the_workers_finished_without_waiting_for_the_rest(seeds: Path):
    done: list[int] = []
    job = ArticleJob(str(seeds / f"{SEED}.yaml"), DEFAULT_BASE, str(shipped_dir("shapes")))
    with kg.engine.runner.Runner(lambda index, outcome: done.append(index), workers=2) as runner:
        runner.add(7, job)
        runner.start()
        waited = 0.0
        while not done and waited < 120:
            runner.collect()
            time.sleep(0.05)
            waited += 0.05
        assert done == [7]
        runner.finish()  # nothing is left to run or hand on
    assert done == [7]


def _pid_noted(path: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(f"{os.getpid()}\n")


def _article_in_a_noted_process(job: ArticleJob):
    """run_article, noting which process ran it (the workers are forked: they inherit this patch)."""
    _pid_noted(os.environ["KG_TEST_PIDS"])
    return run_article(job)


def _violating_description(metadata, shapes):
    """A description check that finds a violation, noting which process ran it."""
    _pid_noted(os.environ["KG_TEST_PIDS"])
    return [Finding("Violation", metadata.iri, "", "", "a violation made for the test", "")]


def _one_other_process(pids: Path) -> bool:
    """Whether one process noted itself in `pids`, and not this one."""
    noted = [int(pid) for pid in pids.read_text().split()]
    return len(noted) == 1 and noted[0] != os.getpid()


def test_the_cache_tells_which_records_were_written_after_it_kept_them(seeds: Path):
    records = [seeds / f"{SEED}.yaml", seeds / f"{FICTION}.yaml"]
    assert _build(seeds).built == 2
    store = Cache(seeds.parent / "cache", seeds, "another salt")  # the entries are by record, whatever the salt
    assert [store.changed(record) for record in records] == [False, False]
    text = seeds / f"{FICTION}.txt"
    later = records[1].stat().st_mtime_ns + 10**9  # a second after: newer than any entry, whatever the clock
    os.utime(text, ns=(later, later))
    assert [store.changed(record) for record in records] == [False, True]
    _build(seeds)  # nothing changed in the bytes: the entry is kept as it was
    assert store.changed(records[1])
    assert Cache(None, seeds, "").changed(records[0])  # no cache: every record is to be built
    assert Cache(seeds.parent / "elsewhere", seeds, "").changed(records[0])  # no entry


def test_a_changed_article_is_built_in_a_worker_while_the_others_are_looked_up(seeds: Path, tmp_path: Path,
                                                                              monkeypatch):
    _build(seeds)
    path = seeds / f"{FICTION}.yaml"  # the last in name order: looked up first, as changed since it was kept
    path.write_bytes(path.read_bytes() + b"\n")
    pids = tmp_path / "pids"
    monkeypatch.setenv("KG_TEST_PIDS", str(pids))
    monkeypatch.setattr(kg.engine.runner, "run_article", _article_in_a_noted_process)
    again = build(seeds, seeds.parent / "dist", cache=seeds.parent / "cache", workers=2)
    assert again.built == 1
    assert _one_other_process(pids)  # one worker ran it, not this process
    fresh = build(seeds, tmp_path / "fresh", cache=False, workers=1)
    assert _files(again.out) == _files(fresh.out)


def test_a_description_that_fails_its_check_in_a_worker_leaves_dist_as_it_was(seeds: Path, tmp_path: Path,
                                                                             monkeypatch):
    first = _build(seeds)
    files = _files(first.out)
    path = seeds / f"{FICTION}.txt"
    path.write_bytes(path.read_bytes() + b"\n")
    pids = tmp_path / "pids"
    monkeypatch.setenv("KG_TEST_PIDS", str(pids))
    monkeypatch.setattr(kg.build, "check_graph_text", _violating_description)
    with pytest.raises(NotConformingError) as error:
        build(seeds, first.out, cache=seeds.parent / "cache", workers=2)
    assert "a violation made for the test" in error.value.report
    assert _one_other_process(pids)  # the description was checked once, in a worker
    assert _files(first.out) == files
    assert sorted(path.name for path in first.out.parent.iterdir()) == ["cache", "dist", "pids", "seeds"]


def test_the_first_error_in_name_order_is_reported_whatever_worker_finishes_first(seeds: Path, tmp_path: Path):
    for name in (f"{SEED}.yaml", f"{FICTION}.yaml"):
        record = seeds / name
        record.write_text(record.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        build(seeds, tmp_path / "dist", cache=False, workers=2)
    assert str(error.value).startswith(str(seeds / f"{SEED}.yaml") + ":")


def test_a_shared_actor_described_otherwise_in_another_record_is_an_error_at_its_line(seeds: Path, tmp_path: Path):
    record = seeds / f"{FICTION}.yaml"
    source = record.read_text(encoding="utf-8")
    record.write_text(source.replace("    name: Hun Sen\n", "    name: Hun Sen\n    description: Someone else.\n", 1),
                      encoding="utf-8")
    line = record.read_text(encoding="utf-8").splitlines().index("    description: Someone else.") + 1
    seed_lines = (seeds / f"{SEED}.yaml").read_text(encoding="utf-8").splitlines()
    seed_line = seed_lines.index("    description: Prime Minister of Cambodia.") + 1
    with pytest.raises(InputError) as error:
        build(seeds, tmp_path / "dist", cache=False, workers=1)
    assert str(error.value) == (
        f"{record}:{line}: actors[0].description: 'hun-sen' is 'Prime Minister of Cambodia.' in {SEED}.yaml "
        f"(line {seed_line}), but 'Someone else.' here; the same id is the same actor in every article"
    )


def _verdicts(findings) -> list[tuple]:
    """What a finding says, without its evidence (the first mention of the article that reported it)."""
    return sorted((f.severity, f.focus, f.label, f.path, f.message, f.value, f.component, f.shape, f.constraint)
                  for f in findings)


def test_per_article_checks_reach_the_verdict_of_one_check_over_the_whole_dataset(built_two_articles):
    whole, _ = run_shapes(merged(built_two_articles.graphs), load_shapes())
    assert _verdicts(built_two_articles.warnings) == _verdicts(whole)
    assert len(whole) > 15


def test_the_dask_scheduler_writes_the_same_bytes_as_one_process(seeds: Path, tmp_path: Path):
    distributed = pytest.importorskip("distributed", reason="Dask's distributed scheduler: pip install 'kg[dask]'")
    one = build(seeds, tmp_path / "one", cache=False, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        on_dask = build(seeds, tmp_path / "dask", cache=False, scheduler=cluster.scheduler_address)
    assert on_dask.built == 2
    assert _files(one.out) == _files(on_dask.out)


def test_an_unreachable_scheduler_is_one_input_error(seeds: Path, tmp_path: Path):
    pytest.importorskip("distributed", reason="Dask's distributed scheduler: pip install 'kg[dask]'")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        build(seeds, tmp_path / "dist", cache=False, scheduler="tcp://127.0.0.1:9")


def test_results_are_kept_without_their_sets_once_folded_into_the_totals(seeds: Path):
    shapes = str(shipped_dir("shapes"))
    results = [run_article(ArticleJob(str(seeds / f"{name}.yaml"), DEFAULT_BASE, shapes)) for name in (SEED, FICTION)]
    totals = Totals()
    slim = [totals.add(result) for result in results]
    assert totals.subjects == set(results[0].subjects) | set(results[1].subjects)
    assert totals.actors == set(results[0].actors) | set(results[1].actors)
    assert len(totals.actors) < len(results[0].actors) + len(results[1].actors)  # they share actors
    assert totals.triples == results[0].triples + results[1].triples
    assert all(result.subjects == result.shared == result.findings == () for result in slim)
    assert [result.graph for result in slim] == [result.graph for result in results]


def test_a_result_read_back_from_its_json_is_the_result(seeds: Path):
    shapes = str(shipped_dir("shapes"))
    result = run_article(ArticleJob(str(seeds / f"{FICTION}.yaml"), DEFAULT_BASE, shapes))
    assert result.subjects and result.vocabularies and not result.text
    data = json.loads(json.dumps(result.to_json()))
    assert ArticleResult.from_json(data, (result.graph.nquads,)) == dataclasses.replace(
        result, graph=dataclasses.replace(result.graph, turtle=None, trig=None, jsonld=None))
    assert ArticleResult.from_json({**data, "events": ""}, (result.graph.nquads,)).events == ()


def test_settle_is_called_each_time_a_hundred_more_results_are_folded(seeds: Path, monkeypatch):
    calls = []
    monkeypatch.setattr(kg.build._Folding, "_SETTLE_EVERY", 1)
    _build(seeds, settle=lambda: calls.append(gc.get_freeze_count()))
    assert len(calls) == 2  # the two articles
    monkeypatch.setattr(kg.build._Folding, "_SETTLE_EVERY", 3)
    calls.clear()
    _build(seeds, settle=lambda: calls.append(gc.get_freeze_count()))
    assert calls == []


@pytest.mark.parametrize("one_command", [True, False])
def test_the_kg_program_freezes_what_a_build_holds_and_a_caller_of_main_does_not(run_kg, seeds: Path,
                                                                                 monkeypatch, one_command: bool):
    given = []
    monkeypatch.setattr(kg.cli, "_ONE_COMMAND", one_command)
    monkeypatch.setattr(kg.build, "build", lambda *args, **options: given.append(options["settle"]) or build(
        *args, **{**options, "settle": None}))
    assert run_kg("build", "--seeds", str(seeds), "--out", str(seeds.parent / "dist"), "-q").exit_code == 0
    assert given == [gc.freeze if one_command else None]


def test_progress_tells_articles_done_rate_and_time_left():
    now = [0.0]
    lines: list[str] = []
    progress = Progress(10, lines.append, terminal=True, clock=lambda: now[0])
    progress.skip(4)
    for _ in range(6):
        progress.expect()
    now[0] = 2.0
    progress.step()
    assert lines == ["[5/10] 0.5 articles/s, about 10 s left (4 from the cache)"]


def test_progress_off_a_terminal_prints_every_so_often_and_at_the_end_of_a_long_build():
    now = [0.0]
    lines: list[str] = []
    progress = Progress(4, lines.append, terminal=False, every=10, clock=lambda: now[0])
    for _ in range(4):
        progress.expect()
    for seconds in (5.0, 10.0, 15.0, 16.0):
        now[0] = seconds
        progress.step()
    assert lines == ["[2/4] 0.2 articles/s, about 10 s left", "[4/4] 0.2 articles/s"]


def test_progress_off_a_terminal_prints_nothing_for_a_short_build():
    lines: list[str] = []
    progress = Progress(2, lines.append, terminal=False, every=10, clock=lambda: 1.0)
    progress.step()
    progress.step()
    assert lines == []


def test_progress_tells_articles_from_the_cache_a_few_times_a_second_on_a_terminal():
    now = [0.0]
    lines: list[str] = []
    progress = Progress(5, lines.append, terminal=True, clock=lambda: now[0])
    progress.expect()  # the one article not in the cache
    for seconds in (0.05, 0.12, 0.15):
        now[0] = seconds
        progress.skip(1)
    now[0] = 1.0
    progress.step()
    now[0] = 1.05
    progress.skip(1)
    # Once it is built, no time is left to tell: the rest is looked up in the cache.
    assert lines == ["[2/5] 2 from the cache", "[4/5] 1.0 articles/s (3 from the cache)",
                     "[5/5] 1.0 articles/s (4 from the cache)"]


def test_progress_off_a_terminal_tells_a_long_look_up_in_the_cache_every_so_often():
    now = [0.0]
    lines: list[str] = []
    progress = Progress(3, lines.append, terminal=False, every=10, clock=lambda: now[0])
    for seconds in (4.0, 11.0, 12.0):
        now[0] = seconds
        progress.skip(1)
    assert lines == ["[2/3] 2 from the cache", "[3/3] 3 from the cache"]


def test_store_progress_tells_the_step_its_share_and_the_time_left():
    now = [0.0]
    lines: list[str] = []
    progress = StoreProgress(lines.append, terminal=True, clock=lambda: now[0])
    progress("graphs", 0, 1000)  # starts the clock
    now[0] = 4.0
    progress("graphs", 250, 1000)
    now[0] = 12.0
    progress("default graph", 750, 1000)
    progress("default graph", 1000, 1000)
    progress("compacting", 1000, 1000)
    assert lines == ["[store 25%] loading the graphs, about 12 s left",
                     "[store 75%] loading the default graph (the graphs merged), about 4 s left",
                     "[store 100%] loading the default graph (the graphs merged)",
                     "[store 100%] compacting"]


def test_progress_says_under_a_second_rather_than_about_0_s():
    now = [0.0]
    lines: list[str] = []
    progress = StoreProgress(lines.append, terminal=True, clock=lambda: now[0])
    progress("graphs", 0, 1000)
    now[0] = 9.7
    progress("default graph", 980, 1000)  # 0.2 s left
    now[0] = 9.9
    progress("default graph", 990, 1000)  # 0.1 s left
    assert lines == ["[store 98%] loading the default graph (the graphs merged), under a second left",
                     "[store 99%] loading the default graph (the graphs merged), under a second left"]
    articles: list[str] = []
    now[0] = 0.0
    built = Progress(20, articles.append, terminal=True, clock=lambda: now[0])
    for _ in range(20):
        built.expect()
    for count in range(1, 20):
        now[0] = count * 0.5
        built.step()
    assert articles[-1] == "[19/20] 2.0 articles/s, under a second left"
    assert articles[0] == "[1/20] 2.0 articles/s, about 10 s left"


def test_store_progress_off_a_terminal_tells_a_long_load_now_and_then_and_a_short_one_not_at_all():
    now = [0.0]
    lines: list[str] = []
    progress = StoreProgress(lines.append, terminal=False, every=10, clock=lambda: now[0])
    for seconds, step, done in ((0, "graphs", 0), (6, "graphs", 300), (11, "graphs", 500),
                                (15, "default graph", 800), (19, "compacting", 1000)):
        now[0] = seconds
        progress(step, done, 1000)
    assert lines == ["[store 50%] loading the graphs, about 11 s left", "[store 100%] compacting"]
    short: list[str] = []
    progress = StoreProgress(short.append, terminal=False, every=10, clock=lambda: 1.0)
    for step, done in (("graphs", 0), ("graphs", 500), ("default graph", 1000), ("compacting", 1000)):
        progress(step, done, 1000)
    assert short == []


def test_a_build_that_tells_its_progress_tells_the_store_load_too(seeds: Path, monkeypatch):
    heard: list[tuple[str, int, int]] = []

    class Heard(StoreProgress):
        def __call__(self, step: str, done: int, total: int) -> None:
            heard.append((step, done, total))

    monkeypatch.setattr(kg.build, "StoreProgress", Heard)
    _build(seeds, progress=lambda line: None)
    assert heard[0][:2] == ("graphs", 0) and heard[-1][0] == "compacting"
    assert heard[-1][1] == heard[-1][2] > 0
    heard.clear()
    _build(seeds)  # no progress asked: nothing told (and the store is updated, not loaded whole)
    assert heard == []


def test_on_a_terminal_an_error_starts_a_line_of_its_own_after_the_progress(seeds: Path):
    (seeds / "zz_broken.yaml").write_text("article: [\n", encoding="utf-8")
    (seeds / "zz_broken.txt").write_text("Text.\n", encoding="utf-8")
    code, _, shown = kg_on_a_terminal("build", "--seeds", str(seeds), "--out", str(seeds.parent / "dist"),
                                      "--no-cache", "--workers", "1")
    assert code != 0
    text = shown.decode("utf-8")
    assert "\x1b[K[" in text  # the progress was drawn
    assert "\nError: " in text.replace("\r\n", "\n") and "articles/sError" not in text


def test_a_cache_entry_naming_a_file_outside_the_records_folder_is_a_miss(seeds: Path):
    _build(seeds)
    for entry in (seeds.parent / "cache").rglob("*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if "result" not in data:
            continue  # the shapes' plan
        data["result"]["inputs"] = {"/dev/zero": "0" * 64}
        entry.write_text(json.dumps(data), encoding="utf-8")
    assert _build(seeds).built == 2


@pytest.mark.parametrize("where", ["a folder whose name begins with the records'", "a link in the records' folder"])
def test_a_cache_entry_naming_a_readable_file_outside_the_records_folder_is_a_miss(seeds: Path, where: str):
    # The file's digest is right, so only the refusal of a file outside the folder makes the miss.
    outside = seeds.parent / f"{seeds.name}-other" / "record.yaml"
    outside.parent.mkdir()
    outside.write_text("article: {}\n", encoding="utf-8")
    named = outside
    if where.startswith("a link"):
        named = seeds / "link.dat"  # not a record or text name: kg would refuse such a link itself
        named.symlink_to(outside)
    _build(seeds)
    for entry in (seeds.parent / "cache").rglob("*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if "result" not in data:
            continue  # the shapes' plan
        data["result"]["inputs"] = {str(named): hashlib.sha256(outside.read_bytes()).hexdigest()}
        entry.write_text(json.dumps(data), encoding="utf-8")
    assert _build(seeds).built == 2


@pytest.mark.parametrize("address", ["foo", "tcp://[::1", "inproc://x", "tls://127.0.0.1:9"])
def test_a_scheduler_address_dask_cannot_use_is_one_error_line(run_kg, seeds: Path, address: str):
    pytest.importorskip("distributed", reason="Dask's distributed scheduler: pip install 'kg[dask]'")
    result = run_kg("build", "--seeds", str(seeds), "--out", str(seeds.parent / "dist"), "--no-cache",
                    "--scheduler", address)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: --scheduler: cannot reach the Dask scheduler at {address}: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unchanged_description_is_not_checked_again_and_gives_the_same_findings(seeds: Path, monkeypatch):
    first = _build(seeds)
    checked = []
    check = kg.build.check_graph_text
    monkeypatch.setattr(kg.build, "check_graph_text", lambda *args: checked.append(args[0].name) or check(*args))
    second = _build(seeds)
    assert checked == [] and second.warnings == first.warnings and second.built == 0
    path = seeds / f"{FICTION}.txt"
    path.write_bytes(path.read_bytes() + b"\n")  # another digest in the description
    third = _build(seeds)
    assert checked == ["metadata"] and third.warnings == first.warnings
    assert len(list((seeds.parent / "cache").rglob("findings-*.json"))) == 1  # the first one's pruned


def test_a_cache_file_is_written_whole_beside_itself_passing_over_a_name_left_by_a_killed_build(tmp_path, monkeypatch):
    from kg.engine import cache

    target = tmp_path / "entry.json"
    target.write_bytes(b"old")
    following = next(cache._COUNT) + 1  # the name the next write tries first
    left = tmp_path / f".entry.json-{os.getpid()}-{following}"
    left.write_bytes(b"left by a killed build")
    cache._write_whole(target, b"new")
    assert target.read_bytes() == b"new"
    assert left.read_bytes() == b"left by a killed build"
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([target.name, left.name])

    def full_disk(handle, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "write", full_disk)
    with pytest.raises(OSError):
        cache._write_whole(target, b"newer")
    assert target.read_bytes() == b"new"  # the file as it was, and no new file beside it
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([target.name, left.name])
