"""Datasets for the site's tests: the seed without its text, with its text in a graph of its own,
and a hostile article whose text and labels hold markup, script, javascript: links and {{ }}.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import yaml

from conftest import FIXTURES

__all__ = ["HOSTILE_BITS", "hostile_seeds", "dist_with_text_elsewhere", "build_with_text"]

IS_STRING = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString"
WIRE = FIXTURES / "articles" / "mekong_wire_2022_03_10"

# What must reach a page only as text.
HOSTILE_BITS = (
    '<script>window.__pwned = "text"; alert("text")</script>',
    '"><img src=x onerror="window.__pwned = 1; alert(1)">',
    "javascript:alert(3)",
    "{{ 7*7 }} {% raw %}",
)
HOSTILE_LABEL = '<script>alert("label")</script> "><img src=x onerror=alert(2)> {{ 7*7 }}'


def hostile_seeds(folder: Path) -> Path:
    """A seeds folder holding one article whose text, actor, event and statement carry hostile text."""
    folder.mkdir(parents=True, exist_ok=True)
    text = WIRE.with_suffix(".txt").read_text(encoding="utf-8")
    hostile_paragraph = "Visitors wrote: " + " ".join(HOSTILE_BITS) + " and <a href=\"javascript:alert(4)\">here</a>."
    text = text.replace("\n\n©2022", "\n\n" + hostile_paragraph + "\n\n©2022")
    record = yaml.safe_load(WIRE.with_suffix(".yaml").read_text(encoding="utf-8"))
    record["actors"].append({"id": "visitors", "kind": "group", "name": HOSTILE_LABEL,
                             "description": '<b onmouseover="alert(5)">javascript:alert(6)</b>',
                             "quotes": ["Visitors"]})
    record["events"].append({"id": "hostile-writing", "kind": "meeting",
                             "label": HOSTILE_LABEL, "status": "happened", "quotes": [hostile_paragraph],
                             "roles": [{"role": "participant", "actor": "visitors"},
                                       {"role": "participant", "actor": "hun-sen"}]})
    record["statements"].append({"id": "hostile-words", "voice": "attributed", "holder": "visitors",
                                 "cue": "wrote", "quotes": [hostile_paragraph], "verbatim": [HOSTILE_BITS[0]],
                                 "about": ["hostile-writing"]})
    name = "hostile_2022_03_11"
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    record["article"]["published"] = {"date": "2022-03-11"}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    return folder


def build_with_text(seeds: Path, out: Path):
    """kg build of `seeds` into `out` with the texts published: --with-text where kg has it, else as
    kg builds by default, each text in its article's graph."""
    import inspect

    from kg.build import build

    if "with_text" in inspect.signature(build).parameters:
        return build(seeds, out, with_text=True)
    return build(seeds, out)


def dist_with_text_elsewhere(dist: Path, out: Path, *, keep_text: bool) -> Path:
    """A copy of `dist` whose article graphs hold no nif:isString: with `keep_text`, the texts move
    to a graph of their own (`<base>graph/text`, in the store), as `kg build --with-text` will
    publish them; without it, no graph holds them."""
    shutil.copytree(dist, out, ignore=shutil.ignore_patterns("store", "site"))
    source = ox.Store.read_only(str(dist / "store"))
    quads = [quad for quad in source if not isinstance(quad.graph_name, ox.DefaultGraph)]
    texts = [quad for quad in quads if quad.predicate.value == IS_STRING]
    kept = [quad for quad in quads if quad.predicate.value != IS_STRING]
    store = ox.Store(str(out / "store"))
    store.extend(kept)
    if keep_text:
        graph = ox.NamedNode(texts[0].graph_name.value.rsplit("/", 1)[0] + "/text")
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in texts)
    named = list(store.quads_for_pattern(None, None, None, None))
    store.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in named])
    store.flush()
    del store
    for path in (out / "graphs").glob("*.ttl"):
        triples = [t for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE) if t.predicate.value != IS_STRING]
        path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    return out
