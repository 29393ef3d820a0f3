"""The Python package's layers: the graph DSL (graph, nodes, op classes, macros, flow) does not
reach the compiler (``pixelpipes._compile``, ``pixelpipes.compiler``), neither by a module-level
import nor by one inside a function, directly or through another module of the package. The
compiler installs what the DSL needs from it (``pixelpipes.type_lookup``)."""
import ast
import os

import pytest

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python", "pixelpipes")

#: the DSL's modules (``ops`` is generated from the registry by ``_opgen``)
DSL = ["graph", "node", "opnode", "operators", "macro", "flow", "_opgen", "ops", "types", "type_lookup",
       "source", "registry", "attributes", "constant_value", "dtypes"]
COMPILER = ("pixelpipes._compile", "pixelpipes.compiler")


def _modules():
    """{module name: path} of every Python module of the package source."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if not name.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(folder, name), PACKAGE)[:-3].replace(os.sep, ".")
            module = "pixelpipes" if rel == "__init__" else "pixelpipes." + rel.removesuffix(".__init__")
            found[module] = os.path.join(folder, name)
    return found


def _imports(module: str, path: str, known) -> set:
    """The package modules that ``module`` imports anywhere in its file (functions included)."""
    package = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from . import dtypes` is the submodule; `from .. import __version__` is the package's
            # __init__ (which imports everything, the compiler included)
            targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known)
    return out


def test_the_dsl_never_reaches_the_compiler():
    modules = _modules()
    graph = {m: _imports(m, p, modules) for m, p in modules.items()}
    assert graph["pixelpipes.node"], "the import scan found nothing: is the package path right?"
    for start in DSL:
        start = "pixelpipes." + start
        seen, todo, parent = {start}, [start], {}
        while todo:
            m = todo.pop()
            for dep in graph.get(m, ()):
                if dep not in seen:
                    seen.add(dep)
                    parent[dep] = m
                    todo.append(dep)
        reached = sorted(m for m in seen if m.startswith(COMPILER))
        if reached:
            chain, m = [reached[0]], reached[0]
            while m in parent:
                m = parent[m]
                chain.append(m)
            pytest.fail(f"{start} reaches the compiler: {' <- '.join(chain)}")


def test_the_scan_sees_an_import_inside_a_function(tmp_path):
    """The check would catch what it is for: an import at call time."""
    path = tmp_path / "late.py"
    path.write_text("def f():\n    from ._compile.session import Session\n")
    assert _imports("pixelpipes.late", str(path), {"pixelpipes._compile.session"}) == {"pixelpipes._compile.session"}
