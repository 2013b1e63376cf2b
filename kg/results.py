"""Query results as a plain structure (the SPARQL 1.1 JSON results model) and their formats.

Every engine's answer is turned into `Results` (variables, then rows of `Term` or None), so the
formats for people (table) and programs (csv, tsv, json) are shared by the embedded store and any
remote endpoint. A remote endpoint's JSON answer is read back with `Results.from_json`.

>>> results = Results(("who", "whoLabel"), ((Term.iri("https://kg.example.org/person/hun-sen"),
...                                          Term.literal("Hun Sen")),))
>>> print(format_results(results, "table"), end="")
who
-------
Hun Sen
(1 row)
>>> [term.n3() for term in results.rows[0]]
['<https://kg.example.org/person/hun-sen>', '"Hun Sen"']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring as _quote

from kg.errors import InputError
from kg.text import shorten
from kg.prefixes import PREFIX_IRIS

__all__ = ["Term", "Results", "FORMATS", "format_results", "LABEL_SUFFIX"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# A column `?x` that has a partner `?xLabel` is shown by its label in tables.
LABEL_SUFFIX = "Label"

# Cells longer than this are cut in tables; csv, tsv and json always give the whole value.
TABLE_CELL_WIDTH = 72

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@dataclass(frozen=True, order=True)
class Term:
    """One RDF term as in SPARQL JSON results: kind `uri`, `literal` or `bnode`, and its value.

    Simple literals have no datatype (xsd:string is dropped, as RDF 1.1 makes them the same) and
    language-tagged ones carry `lang` only, so terms from any engine compare by value.
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        """An IRI."""
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """A literal; xsd:string and rdf:langString are implied, so they are not kept."""
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            datatype = None
        return cls("literal", value, datatype or None, None)

    @classmethod
    def bnode(cls, value: str) -> Term:
        """A blank node (kg publishes none, but a store or a user's query may return them)."""
        return cls("bnode", value)

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> Term:
        """A term from a SPARQL JSON results binding (`typed-literal` is the pre-1.1 spelling)."""
        kind = data["type"]
        if kind in ("literal", "typed-literal"):
            return cls.literal(data["value"], data.get("datatype"), data.get("xml:lang"))
        if kind == "uri":
            return cls.iri(data["value"])
        if kind == "bnode":
            return cls.bnode(data["value"])
        raise ValueError(f"unknown term type {kind!r} in SPARQL JSON results")

    def to_json(self) -> dict[str, str]:
        """The SPARQL JSON results binding of this term."""
        data = {"type": self.kind, "value": self.value}
        if self.datatype:
            data["datatype"] = self.datatype
        if self.lang:
            data["xml:lang"] = self.lang
        return data

    def n3(self) -> str:
        """The term in N-Triples form: `<iri>`, `"text"`, `"5"^^<...#integer>`, `"x"@en`, `_:b`."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = '"' + "".join(_ESCAPES.get(char, char) for char in self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text


Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class Results:
    """The answer to a SELECT query: its variables and its rows, in the engine's order."""

    vars: tuple[str, ...]
    rows: tuple[Row, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def to_json(self) -> dict:
        """The SPARQL 1.1 Query Results JSON document of these results."""
        bindings = [
            {var: term.to_json() for var, term in zip(self.vars, row) if term is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.vars)}, "results": {"bindings": bindings}}

    @classmethod
    def from_json(cls, data: Mapping) -> Results:
        """Results from a SPARQL 1.1 Query Results JSON document (what an endpoint answers)."""
        variables = tuple(data["head"]["vars"])
        rows = tuple(
            tuple(Term.from_json(binding[var]) if var in binding else None for var in variables)
            for binding in data["results"]["bindings"]
        )
        return cls(variables, rows)


# Formats ---------------------------------------------------------------------------------------


def _json(results: Results) -> str:
    """SPARQL 1.1 JSON results, byte for byte what json.dumps writes of `results.to_json()`.

    That is with `indent=2` and `ensure_ascii=False` (characters beyond ASCII kept as they are).
    Each string is quoted by the encoder json.dumps uses, and the layout is written around it:
    json.dumps writes an indented document with its pure-Python encoder (at 1,000 articles,
    `actor-events`' 23,500 rows took it 0.74 s and 165 MiB, against 0.13 s and 62 MiB).
    """
    variables = ",\n".join(f"      {_quote(var)}" for var in results.vars)
    bindings = ",\n".join(_json_binding(results.vars, row) for row in results.rows)
    head = f"[\n{variables}\n    ]" if variables else "[]"
    body = f"[\n{bindings}\n    ]" if bindings else "[]"
    return f'{{\n  "head": {{\n    "vars": {head}\n  }},\n  "results": {{\n    "bindings": {body}\n  }}\n}}\n'


def _json_binding(variables: tuple[str, ...], row: Row) -> str:
    """One row's bindings, at the depth of a row of `results.bindings`."""
    terms = [f"        {_quote(var)}: {_json_term(term)}" for var, term in zip(variables, row) if term is not None]
    return "      {\n" + ",\n".join(terms) + "\n      }" if terms else "      {}"


def _json_term(term: Term) -> str:
    """One term's binding, its keys in the order of `Term.to_json`."""
    fields = [f'          "type": {_quote(term.kind)}', f'          "value": {_quote(term.value)}']
    if term.datatype:
        fields.append(f'          "datatype": {_quote(term.datatype)}')
    if term.lang:
        fields.append(f'          "xml:lang": {_quote(term.lang)}')
    return "{\n" + ",\n".join(fields) + "\n        }"


def _csv(results: Results) -> str:
    """SPARQL 1.1 CSV results: bare values, CRLF line ends as the format requires."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(results.vars)
    for row in results.rows:
        writer.writerow(["" if term is None else _csv_value(term) for term in row])
    return buffer.getvalue()


def _csv_value(term: Term) -> str:
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def _tsv(results: Results) -> str:
    """SPARQL 1.1 TSV results: `?var` headers and terms in N-Triples form."""
    lines = ["\t".join(f"?{var}" for var in results.vars)]
    for row in results.rows:
        lines.append("\t".join("" if term is None else term.n3() for term in row))
    return "\n".join(lines) + "\n"


def _table(results: Results) -> str:
    """A table for people: labels beside IRIs replace them, other IRIs are shortened by prefix."""
    shown = [var for var in results.vars if not _is_label_of_shown(var, results.vars)]
    index = {var: position for position, var in enumerate(results.vars)}
    cells = []
    for row in results.rows:
        line = []
        for var in shown:
            term = row[index[var]]
            label_var = var + LABEL_SUFFIX
            if label_var in index and row[index[label_var]] is not None:
                term = row[index[label_var]]
            line.append(shorten(_readable(term), TABLE_CELL_WIDTH))
        cells.append(line)
    widths = [max([len(var)] + [len(line[col]) for line in cells]) for col, var in enumerate(shown)]
    out = ["  ".join(var.ljust(width) for var, width in zip(shown, widths)).rstrip()]
    out.append("  ".join("-" * width for width in widths))
    out += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells]
    out.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(out) + "\n"


def _is_label_of_shown(var: str, variables: tuple[str, ...]) -> bool:
    """`?xLabel` is folded into column `x` when the query also returns `?x`."""
    return var.endswith(LABEL_SUFFIX) and var[: -len(LABEL_SUFFIX)] in variables


def _readable(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        for prefix, namespace in PREFIX_IRIS.items():
            if term.value.startswith(str(namespace)) and len(term.value) > len(str(namespace)):
                return f"{prefix}:{term.value[len(str(namespace)):]}"
        return term.value
    if term.kind == "bnode":
        return f"_:{term.value}"
    return " ".join(term.value.split())


_FORMATTERS: dict[str, Callable[[Results], str]] = {
    "table": _table,
    "csv": _csv,
    "tsv": _tsv,
    "json": _json,
}

FORMATS = tuple(_FORMATTERS)


def format_results(results: Results, fmt: str = "table") -> str:
    """The results as text in one of FORMATS: table (for people), csv, tsv or json (SPARQL 1.1)."""
    try:
        formatter = _FORMATTERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise InputError(f"unknown results format {fmt!r}; choose one of {choices}", field="--format") from None
    return formatter(results)
