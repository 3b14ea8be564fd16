"""The house has no import circles, and the commands sit on top of it.

Every module under monitor/ is parsed (not imported) with `ast`. An edge A -> B is any
`import`/`from ... import` in A naming B, at module level, inside a function or under
`if TYPE_CHECKING:` (a reader follows those too, and the issue counts them); relative
imports are resolved, and a package's `__init__.py` is the package itself. `from P import
name` is an edge to the submodule P.name when there is one, else to P.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"

#: one edge: (importing module, imported module, line of the import)
Edge = tuple[str, str, int]


def module_name(path: Path) -> str:
    """monitor/cli/__init__.py -> monitor.cli; monitor/cli/run.py -> monitor.cli.run."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, wherever it is (functions, try blocks, TYPE_CHECKING)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _known(name: str, modules: set[str]) -> str | None:
    """The longest prefix of a dotted name that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph() -> tuple[dict[str, set[str]], list[Edge]]:
    """(module -> the monitor modules it imports, every edge with its line)."""
    files = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    edges: list[Edge] = []
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_known(alias.name, modules) for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else _known(base, modules))
            for target in targets:
                if target and target != name:
                    graph[name].add(target)
                    edges.append((name, target, node.lineno))
    return graph, edges


def cycles(graph: dict[str, set[str]]) -> list[tuple[set[str], list[str]]]:
    """Each group of modules that import one another in a circle (a strongly connected
    component, Tarjan), with one shortest circle through it to show."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [(group, _shortest_circle(graph, group)) for group in groups]


def _shortest_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no circle through {start} in {sorted(group)}")


def describe(group: set[str], circle: list[str], edges: list[Edge]) -> str:
    """a (line 12) -> b (line 40) -> a, the line where each step imports the next, and
    every module of the group when there are more than the circle shows."""
    lines = {(a, b): line for a, b, line in reversed(edges)}
    steps = [f"{a} (line {lines[(a, b)]})" for a, b in zip(circle, circle[1:], strict=False)]
    text = " -> ".join([*steps, circle[-1]])
    if len(group) > len(circle) - 1:
        text += f"\n    (one circle of a knot of {len(group)}: {', '.join(sorted(group))})"
    return text


def test_graph_sees_relative_and_function_level_imports() -> None:
    graph, _ = import_graph()
    # function level: build_parser imports the command modules inside the function
    assert {"monitor.cli.run", "monitor.cli.records", "monitor.cli.service"} <= graph["monitor.cli"]
    assert "monitor.cli.common" in graph["monitor.daemon"]
    assert "monitor.cli.common" in graph["monitor.ops.doctor"]


def test_no_import_circles() -> None:
    graph, edges = import_graph()
    found = [describe(group, circle, edges) for group, circle in cycles(graph)]
    assert not found, "import circles:\n" + "\n".join(found)


def test_commands_sit_on_top() -> None:
    """Commands import cli.common and cli.common imports no command; only the parser
    (monitor/cli/__init__.py) imports a command module, and outside the package only
    cli.common is imported."""
    graph, _ = import_graph()
    package = {m for m in graph if m == "monitor.cli" or m.startswith("monitor.cli.")}
    commands = package - {"monitor.cli", "monitor.cli.common", "monitor.cli.__main__"}
    assert {"monitor.cli.run", "monitor.cli.records"} <= commands
    assert not graph["monitor.cli.common"] & package, "cli.common must not import the commands"
    for module, targets in graph.items():
        if module == "monitor.cli":
            continue
        allowed = {"monitor.cli.common"} | ({"monitor.cli"} if module == "monitor.cli.__main__" else set())
        wrong = targets & package - allowed
        assert not wrong, f"{module} imports {sorted(wrong)}: import monitor.cli.common instead"


def test_detection_imports_no_source() -> None:
    """What a kind means reaches monitor/detect/ as a profile passed in (monitor/profile.py),
    never by importing a publisher: detection rules stay the same for every publisher."""
    graph, edges = import_graph()
    wrong = [
        f"{a} (line {line}) imports {b}"
        for a, b, line in edges
        if (a == "monitor.detect" or a.startswith("monitor.detect.")) and (b == "monitor.sources" or b.startswith("monitor.sources."))
    ]
    assert {"monitor.detect.verdicts", "monitor.detect.headlines", "monitor.detect.version_events"} <= set(graph)
    assert wrong == []


def test_profiles_are_light() -> None:
    """Every publisher's profile.py imports only monitor.profile, so reading every profile at
    start-up loads no adapter, reader or parser."""
    graph, _ = import_graph()
    profiles = [m for m in graph if m.startswith("monitor.sources.") and m.endswith(".profile")]
    assert len(profiles) >= 8
    for module in profiles:
        assert graph[module] <= {"monitor.profile"}, f"{module} imports {sorted(graph[module])}"
