"""An independent look into a test store over plain HTTP, without kg's store code.

The tests check what kg did with this, so a fault in kg's own verification cannot hide itself.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import requests
from requests.auth import HTTPDigestAuth

__all__ = ["Probe", "quads_by_graph"]


class Probe:
    """SPARQL queries and updates sent straight to a store's endpoints."""

    def __init__(self, kind: str, url: str, env: dict[str, str]) -> None:
        if kind == "virtuoso":
            self.query_url = self.update_url = f"{url}/sparql-auth"
            self.graph_store_url, self.graph_parameter = f"{url}/sparql-graph-crud-auth", "graph-uri"
            self.auth = HTTPDigestAuth(env["KG_STORE_USER"], env["KG_STORE_PASSWORD"])
        else:
            self.query_url, self.update_url, self.auth = f"{url}/query", f"{url}/update", None
            self.graph_store_url, self.graph_parameter = f"{url}/store", "graph"

    def select(self, query: str) -> list[dict]:
        """The bindings of a SELECT query."""
        response = requests.post(self.query_url, data={"query": query}, auth=self.auth, timeout=120,
                                 headers={"Accept": "application/sparql-results+json"})
        response.raise_for_status()
        return response.json()["results"]["bindings"]

    def update(self, update: str) -> None:
        """Run a SPARQL update."""
        requests.post(self.update_url, data={"update": update}, auth=self.auth, timeout=120).raise_for_status()

    def put(self, graph: str, ntriples: bytes) -> None:
        """Replace `graph` by a Graph Store PUT, as another tool writing to the store would."""
        requests.put(self.graph_store_url, params={self.graph_parameter: graph}, data=ntriples, auth=self.auth,
                     headers={"Content-Type": "application/n-triples"}, timeout=120).raise_for_status()

    def count(self, graph: str) -> int:
        """How many triples the store holds in `graph`."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"])

    def ntriples(self, graph: str) -> bytes:
        """The triples of `graph` as the store writes them in N-Triples: a dump of the graph."""
        response = requests.post(
            self.query_url, auth=self.auth, timeout=120, headers={"Accept": "application/n-triples"},
            data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"},
        )
        response.raise_for_status()
        return response.content

    def triples(self, graph: str) -> list[ox.Triple]:
        """The triples of `graph`, as the store gives them back."""
        return list(ox.parse(self.ntriples(graph), format=ox.RdfFormat.N_TRIPLES))

    def drop(self, *graphs: str) -> None:
        """Remove these graphs, if the store has them."""
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(graph)}" for graph in graphs))


def quads_by_graph(path: Path) -> dict[str, list[ox.Triple]]:
    """The triples of each named graph of an N-Quads file, read with pyoxigraph."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return graphs
