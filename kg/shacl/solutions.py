"""The solutions of a data graph's SPARQL constraints, run by pyoxigraph on the data's store.

Apart from kg.shacl.sparql, which reads and analyses a constraint's query with rdflib's SPARQL
parser when the shapes are compiled: checking a graph against a compiled plan needs neither.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.shacl.data import from_store
from kg.shacl.plan import SparqlConstraint

__all__ = ["Solutions"]


class Solutions:
    """The solutions of SPARQL constraints over one data graph, as rdflib terms, by focus node."""

    def __init__(self, data, back: dict) -> None:
        self.data, self.back = data, back  # back: the store's literal -> the data's, where a query can reach it
        self._by_focus: dict[str, dict] = {}  # constraint key -> {focus: rows} for one-pass constraints
        self._single: dict[tuple, list] = {}

    def rows(self, constraint: SparqlConstraint, focus) -> list[dict]:
        """The solutions for `focus`, each a dict of the projected variables' values (None when unbound)."""
        if constraint.batch:
            grouped = self._by_focus.get(constraint.key)
            if grouped is None:
                grouped = self._by_focus[constraint.key] = {}
                for row in self._run(constraint, None):
                    grouped.setdefault(row["this"], []).append(row)
            return grouped.get(focus, [])
        key = (constraint.key, focus)
        if key not in self._single:
            self._single[key] = self._run(constraint, focus)
        return self._single[key]

    def _run(self, constraint: SparqlConstraint, focus) -> list[dict]:
        substitutions = None if focus is None else {ox.Variable("this"): self.data.to_store(focus)}
        solutions = self.data.store.query(constraint.query, substitutions=substitutions, use_default_graph_as_union=True)
        computed, back = constraint.computed, self.back
        rows = []
        for solution in solutions:
            row = {}
            for variable in constraint.variables:
                value = solution[variable]
                if value is not None:
                    value = back.get(value) if variable not in computed and value in back else from_store(value)
                row[variable] = value
            rows.append(row)
        return rows
