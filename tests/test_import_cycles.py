"""No import cycle in ``migrainecli/``: every module's imports, including those inside
functions (``import`` statements anywhere in the file, ``TYPE_CHECKING`` blocks
excepted), form a graph without cycles. A cycle is how a layer starts to depend on the
one above it (``csvio`` <-> ``reports.data`` was one)."""

from __future__ import annotations

import ast
from pathlib import Path

import migrainecli

ROOT = Path(migrainecli.__file__).parent
PACKAGE = "migrainecli"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports, at module level or inside functions."""
    name = module_name(path)
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    found.add(resolve(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith(PACKAGE):
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in modules else resolve(target))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(None)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(ROOT.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imports_of(p, modules) for p in paths}
    # importing a.b.c runs a/__init__ and a/b/__init__ first: not an edge we own
    return {
        m: {t for t in targets if not m.startswith(t + ".") and t != PACKAGE}
        for m, targets in graph.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := dfs(node)):
            return cycle
    return None


def test_the_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_function_level_imports_are_in_the_graph():
    graph = import_graph()
    assert "migrainecli.rules.criteria" in graph["migrainecli.cli.status"]  # inside evaluate


def test_no_import_cycle_in_migrainecli():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_one_list_of_day_columns_and_of_schema_steps():
    """The day columns (models.DAY_FIELDS) and the migration names (schema.STEPS) are
    defined once; storage, csvformat and health read them."""
    from datetime import date

    from migrainecli import csvformat, health, schema, storage
    from migrainecli.models import DAY_FIELDS, Day

    assert csvformat.DAY_COLUMNS is DAY_FIELDS
    assert tuple(storage._day_row(Day(date(2026, 1, 1), "mild"))) == DAY_FIELDS
    assert storage.MIGRATION_NAMES is schema.MIGRATION_NAMES
    assert health.MIGRATION_NAMES is schema.MIGRATION_NAMES
    assert [m.name for m in schema.migrations._migrations] == list(schema.MIGRATION_NAMES)
    assert storage._DAY_UPSERT.count("?") == len(DAY_FIELDS)
