"""The layout is the data flow: imports run one way, and the plain package knows nothing of Prefect.

flows → aiplus; inside aiplus: (api, evaluate) → runtime → release → tables → extract → ingest →
(lexicon, text, records); schemas is the contract every layer may read.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aiplus"

# Layers from the bottom up; a module may import its own layer and the ones below it.
LAYERS = [
    {"aiplus.records", "aiplus.text", "aiplus.lexicon"},
    {"aiplus.ingest"},
    {"aiplus.extract"},
    {"aiplus.tables"},
    {"aiplus.release"},
    {"aiplus.runtime"},
    {"aiplus.api", "aiplus.evaluate", "aiplus"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module an aiplus file imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def layer_of(module: str) -> int:
    for depth in range(module.count(".") + 1, 0, -1):
        prefix = ".".join(module.split(".")[:depth])
        for i, layer in enumerate(LAYERS):
            if prefix in layer:
                return i
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def test_no_import_cycles():
    graph = package_graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_imports_run_down_the_data_flow():
    upward = []
    for module, targets in sorted(package_graph().items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module) and not module.startswith(target + "."):
                upward.append(f"{module} → {target}")
    assert not upward, "imports against the data flow:\n" + "\n".join(upward)


def test_the_package_never_imports_prefect_or_flows():
    for path in PACKAGE.rglob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(("prefect", "flows")), f"{path.relative_to(ROOT)} imports {name}"
    code = ("import importlib, pkgutil, sys, aiplus\n"
            "for m in pkgutil.walk_packages(aiplus.__path__, 'aiplus.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('prefect', 'flows'))\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
