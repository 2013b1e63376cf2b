"""What a query file is: its SPARQL text with what its header comment declares (`QueryFile`), and
each parameter it takes (`Parameter`). kg.query.files reads them; the checks (kg.query.check), the
parameters (kg.query.params) and the executors (kg.query.local, kg.query.remote) take them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Parameter", "QueryFile"]


@dataclass(frozen=True)
class Parameter:
    """A value the query needs: `?name` in its text, an IRI or a literal, maybe optional."""

    name: str
    kind: str
    description: str
    optional: bool = False

    def usage(self) -> str:
        """How to pass it on the command line: `--param resource=IRI`."""
        text = f"--param {self.name}={self.kind}"
        return f"[{text}]" if self.optional else text


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL query with what its header comment declares."""

    name: str
    display: str
    text: str
    question: str
    parameters: tuple[Parameter, ...]
    examples: tuple[dict[str, str], ...]

    def parameter(self, name: str) -> Parameter | None:
        """The declared parameter of this name, if any."""
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def needs_parameters(self) -> bool:
        """Whether it declares a parameter that must be given, so that it cannot run with none."""
        return any(not parameter.optional for parameter in self.parameters)
