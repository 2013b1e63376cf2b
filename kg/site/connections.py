"""The picture of who is connected to whom: actors and the events they take part in, as an SVG
that needs no JavaScript, each node a link to its page.

Graphviz `dot` lays it out where it is installed (the Debian package graphviz); it is given only
node names (n0, e0, ...) and sizes, never a label, so nothing from a record reaches it, and it
answers positions (`-Tplain`), which kg draws itself. Without `dot`, or if it fails, a layout in
Python puts the actors in one column and their events in another, each ordered by the mean
position of its neighbours to cross fewer edges. Either way the SVG is written from a template
with autoescaping. A large dataset is cut to the actors with the most events and the events that
join them (MAX_ACTORS, MAX_EVENTS); the picture says so.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field

from kg.site.terms import readable, status_group
from kg.text import shorten

__all__ = ["Connections", "Node", "Edge", "connections", "MAX_ACTORS", "MAX_EVENTS"]

MAX_ACTORS = 40
MAX_EVENTS = 60
LABEL_CHARACTERS = 30
_CHARACTER = 6.6  # px of a character at the picture's font size, near enough for a box
_HEIGHT = 24
_PAD = 12
_DOT_TIMEOUT = 30  # seconds

# Roles whose actor acts in the event rather than undergoes it: drawn on the event's left by dot.
_AGENT_ROLES = {"visitor", "appointer", "leader", "authority", "speaker", "incoming", "organiser", "proposer",
                "rejecter", "judge", "court", "party", "participant", "attendee", "partner", "author"}


@dataclass
class Node:
    id: str
    iri: str
    label: str
    kind: str  # "actor" or "event"
    status: str = ""
    href: str | None = None
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = _HEIGHT

    @property
    def short(self) -> str:
        return shorten(self.label, LABEL_CHARACTERS)


@dataclass
class Edge:
    source: Node
    target: Node
    role: str
    path: str = ""


@dataclass
class Connections:
    nodes: list[Node]
    edges: list[Edge]
    width: float = 0.0
    height: float = 0.0
    layout: str = ""  # "dot" or "python"
    actors_total: int = 0
    events_total: int = 0
    cut: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def actors(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "actor"]

    @property
    def events(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "event"]


def connections(rows: list[dict], href, *, use_dot: bool = True, max_actors: int = MAX_ACTORS,
                max_events: int = MAX_EVENTS) -> Connections:
    """The picture of `rows` (event, eventLabel, status, actor, actorLabel, role: the site's
    `connections` query), laid out; `href(iri)` gives a node's link or None."""
    events_of: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    status: dict[str, str] = {}
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        event, actor = str(row["event"]), str(row["actor"])
        events_of[actor].add(event)
        labels.setdefault(event, str(row.get("eventLabel", "")) or event)
        labels.setdefault(actor, str(row.get("actorLabel", "")) or actor)
        if "status" in row:
            status[event] = status_group(str(row["status"]))
        roles[(actor, event)].add(readable(str(row["role"])))
    ranked = sorted(events_of, key=lambda a: (-len(events_of[a]), labels[a].casefold(), a))
    actors = ranked[:max_actors]
    chosen = set(actors)
    joined: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        for event in events_of[actor]:
            joined[event].add(actor)
    all_events = {e for es in events_of.values() for e in es}
    events = sorted(joined, key=lambda e: (-len(joined[e]), labels[e].casefold(), e))[:max_events]
    kept = set(events)
    actors = [a for a in actors if events_of[a] & kept]
    nodes: dict[str, Node] = {}
    for number, actor in enumerate(actors):
        nodes[actor] = Node(f"a{number}", actor, labels[actor], "actor", href=href(actor))
    for number, event in enumerate(sorted(kept, key=lambda e: (labels[e].casefold(), e))):
        nodes[event] = Node(f"e{number}", event, labels[event], "event", status.get(event, "other"), href(event))
    for node in nodes.values():
        node.width = round(len(node.short) * _CHARACTER + 2 * _PAD)
    edges = [Edge(nodes[actor], nodes[event], ", ".join(sorted(roles[(actor, event)])))
             for (actor, event) in sorted(roles) if actor in nodes and event in nodes and actor in chosen]
    picture = Connections(list(nodes.values()), edges, actors_total=len(events_of), events_total=len(all_events))
    picture.cut = len(actors) < len(events_of) or len(kept) < len(all_events)
    if not (use_dot and _dot_layout(picture)):
        _python_layout(picture)
    return picture


def dot_program() -> str | None:
    """The `dot` command, if Graphviz is installed."""
    return shutil.which("dot")


def _dot_layout(picture: Connections) -> bool:
    """Lay the picture out with Graphviz dot; False if dot is missing or fails."""
    program = dot_program()
    if program is None or not picture.nodes:
        return False
    lines = ["digraph connections {", 'graph [rankdir=LR, nodesep=0.12, ranksep=0.9, splines=true];',
             'node [shape=box, fixedsize=true, label=""];', "edge [dir=none];"]
    for node in picture.nodes:
        lines.append(f"{node.id} [width={node.width / 72:.3f}, height={node.height / 72:.3f}];")
    for edge in picture.edges:
        agent = bool(set(edge.role.split(", ")) & _AGENT_ROLES)
        tail, head = (edge.source, edge.target) if agent else (edge.target, edge.source)
        lines.append(f"{tail.id} -> {head.id};")
    lines.append("}")
    try:
        done = subprocess.run([program, "-Tplain"], input="\n".join(lines), capture_output=True, text=True,
                              timeout=_DOT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    if done.returncode != 0:
        return False
    try:
        _read_plain(picture, done.stdout)
    except (ValueError, IndexError, KeyError):
        return False
    picture.layout = "dot"
    return True


def _read_plain(picture: Connections, plain: str) -> None:
    """Positions from dot's plain output: inches, y upwards; node centres, edges as B-spline points."""
    by_id = {node.id: node for node in picture.nodes}
    pairs = {}
    for edge in picture.edges:
        pairs[(edge.source.id, edge.target.id)] = edge
        pairs[(edge.target.id, edge.source.id)] = edge
    height = 0.0
    margin = 8
    for line in plain.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "graph":
            picture.width = float(words[2]) * 72 + 2 * margin
            height = float(words[3]) * 72
            picture.height = height + 2 * margin
        elif words[0] == "node":
            node = by_id[words[1]]
            node.x = float(words[2]) * 72 + margin
            node.y = height - float(words[3]) * 72 + margin
        elif words[0] == "edge":
            edge = pairs[(words[1], words[2])]
            count = int(words[3])
            points = [(float(words[4 + 2 * i]) * 72 + margin, height - float(words[5 + 2 * i]) * 72 + margin)
                      for i in range(count)]
            path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
            for i in range(1, len(points) - 2, 3):
                (x1, y1), (x2, y2), (x3, y3) = points[i:i + 3]
                path += f" C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x3:.1f},{y3:.1f}"
            edge.path = path
    if not all(edge.path for edge in picture.edges):
        raise ValueError("dot left an edge out")


def _python_layout(picture: Connections) -> None:
    """Two columns, actors and events, each ordered by the mean place of its neighbours (a few sweeps)."""
    actors, events = picture.actors, picture.events
    neighbours: dict[str, list[Node]] = defaultdict(list)
    for edge in picture.edges:
        neighbours[edge.source.id].append(edge.target)
        neighbours[edge.target.id].append(edge.source)
    place = {node.id: index for index, node in enumerate(actors)}
    place.update({node.id: index for index, node in enumerate(events)})
    for _ in range(4):
        for column in (events, actors):
            column.sort(key=lambda n: (sum(place[m.id] for m in neighbours[n.id]) / len(neighbours[n.id])
                                       if neighbours[n.id] else len(column), n.label.casefold(), n.id))
            place.update({node.id: index for index, node in enumerate(column)})
    gap = 6
    left = max((n.width for n in actors), default=0)
    right = max((n.width for n in events), default=0)
    middle = 220
    rows = max(len(actors), len(events), 1)
    column_height = rows * (_HEIGHT + gap)
    for column, x in ((actors, 8 + left / 2), (events, 8 + left + middle + right / 2)):
        offset = (column_height - len(column) * (_HEIGHT + gap)) / 2
        for index, node in enumerate(column):
            node.x = x
            node.y = 8 + offset + index * (_HEIGHT + gap) + _HEIGHT / 2
    for edge in picture.edges:
        start_x = edge.source.x + edge.source.width / 2
        end_x = edge.target.x - edge.target.width / 2
        bend = (end_x - start_x) / 2
        edge.path = (f"M{start_x:.1f},{edge.source.y:.1f} C{start_x + bend:.1f},{edge.source.y:.1f} "
                     f"{end_x - bend:.1f},{edge.target.y:.1f} {end_x:.1f},{edge.target.y:.1f}")
    picture.width = 16 + left + middle + right
    picture.height = 16 + column_height
    picture.layout = "python"
