"""No import cycles among the extraction, LLM, coach and evaluation modules, counting imports
inside functions too: a lazy import hides a cycle, it does not remove it."""
from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
CHECKED = ("pipeline.extract", "pipeline.llm", "pipeline.coach", "pipeline.evaluate", "pipeline.labelled", "pipeline.embeddings")


def module_graph() -> dict[str, set[str]]:
    modules = {}
    for path in PIPELINE.rglob("*.py"):
        name = ".".join(path.relative_to(PIPELINE.parent).with_suffix("").parts)
        package = name.removesuffix(".__init__") if name.endswith(".__init__") else name.rsplit(".", 1)[0]
        modules[name.removesuffix(".__init__")] = (path, package)
    graph = {}
    for name, (path, package) in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                parts = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                base = ".".join([*parts, *([node.module] if node.module else [])])
                deps |= {m for m in (base, *(f"{base}.{a.name}" for a in node.names)) if m in modules}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in modules}
        graph[name] = deps - {name}
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        if here not in seen:
            seen.add(here)
            todo += graph.get(here, ())
    return False


def test_no_import_cycle_in_extraction_llm_coach_and_eval():
    graph = module_graph()
    assert {"pipeline.extract.llm", "pipeline.extract.hybrid", "pipeline.llm.client"} <= graph.keys()
    cycles = [(a, b) for a in graph if a.startswith(CHECKED) for b in graph[a] if reaches(graph, b, a)]
    assert not cycles, cycles


def test_the_cycle_finder_finds_a_cycle():
    assert reaches({"a": {"b"}, "b": {"a"}}, "b", "a") and not reaches({"a": {"b"}, "b": set()}, "b", "a")
