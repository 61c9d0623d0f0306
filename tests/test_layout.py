"""The layout shows the architecture: imports run one way, no circles, small modules.

Every module of the toolkit is read with :mod:`ast` (nothing is imported), each of its
imports is resolved to a module of the toolkit (``import actuary.x.y``,
``from actuary.x import y``, ``from actuary import x``, relative imports, and imports
inside functions, which are imports all the same), and three rules are checked:

(a) no import cycle between modules;
(b) no import from a lower layer to a higher one, in the order :data:`LAYERS`
    (a layer is the first name under ``actuary``: ``actuary.engine.build`` is in
    ``engine``; the folders ``assumptions/``, ``tables/``, ``cli/`` and ``reports/``
    install as ``actuary.assumptions`` and so on);
(c) no module over :data:`MAX_LINES` lines.

The checker is run on the real tree and on small synthetic trees with a planted
violation of each rule, so that a checker which finds nothing fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Layers from the bottom up: a module may import its own layer and those below it.
#: The reasons for this order are in each sub-package's docstring.
LAYERS = (
    "io", "tables", "assumptions", "life", "frame", "engine", "members",
    "analysis", "schemes", "studies", "api", "reports", "cli",
)

#: Where each installed package's source lives (see ``package-dir`` in pyproject.toml).
SOURCES = {
    "actuary": "actuary",
    "actuary.assumptions": "assumptions",
    "actuary.tables": "tables",
    "actuary.cli": "cli",
    "actuary.reports": "reports",
}

MAX_LINES = 700

#: Modules over the limit that are being split now, each with who splits it. The test
#: fails on any other long module, and on a module listed here that is no longer long
#: (strike it from the list when it is split): this list can only shrink.
BEING_SPLIT: dict[str, str] = {}


def module_files(root: Path, sources: dict[str, str] = SOURCES) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under the package folders.

    A package's ``__init__.py`` carries the package's own name. Folders mapped to a
    package of their own (``assumptions/`` under ``actuary.assumptions``) are not
    walked again from their parent.
    """
    found: dict[str, Path] = {}
    folders = {(root / src).resolve(): pkg for pkg, src in sources.items()}
    for pkg, src in sources.items():
        base = (root / src).resolve()
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            owner = next(p for p in path.resolve().parents if p in folders)
            if folders[owner] != pkg:
                continue  # inside another mapped folder, found from there
            parts = list(path.relative_to(base).with_suffix("").parts)
            if any(p.startswith(".") or p == "data" for p in parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([pkg, *parts])] = path
    return found


def _resolve(name: str, modules: set[str]) -> str | None:
    """*name* if it is one of the toolkit's modules, else None (a third-party module, or
    a toolkit module that does not exist: an import error, not a question of layers)."""
    return name if name in modules else None


def imports_of(module: str, path: Path, modules: set[str]) -> set[str]:
    """The toolkit modules that *module* imports, anywhere in its text.

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module (a
    sub-module imported by name), else ``a.b``. Relative imports are resolved against
    the module's package (``__init__.py`` is its own package).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
            # the sub-module if it is one, else the package the name comes from
            names = [n for n in names[:-1] if n in modules] or [names[-1]]
        else:
            continue
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                found.add(target)
    return found


def layer_of(module: str) -> str | None:
    """The layer of a toolkit module (``actuary.engine.build`` -> ``engine``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


#: The root package: it holds ``__version__``, which any module may read, and hands the
#: public names on to :mod:`actuary.api` on first use (a lazy ``__getattr__``). It is
#: outside the layers and left out of the graph; :func:`test_root_package_only_forwards_to_the_api`
#: keeps it that way.
ROOT_PACKAGE = "actuary"


def import_graph(root: Path, sources: dict[str, str] = SOURCES) -> dict[str, set[str]]:
    """Module -> the toolkit modules it imports (the root package left out)."""
    files = module_files(root, sources)
    names = set(files)
    return {m: imports_of(m, p, names) - {ROOT_PACKAGE}
            for m, p in files.items() if m != ROOT_PACKAGE}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """``a -> b`` for every import from a lower layer to a higher one."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    bad = []
    for module, targets in sorted(graph.items()):
        low = layer_of(module)
        for target in sorted(targets):
            high = layer_of(target)
            if low is not None and high is not None and rank[high] > rank[low]:
                bad.append(f"{module} ({low}) -> {target} ({high})")
    return bad


def long_modules(root: Path, sources: dict[str, str] = SOURCES) -> list[str]:
    """Modules over :data:`MAX_LINES` lines, with their length."""
    out = []
    for module, path in sorted(module_files(root, sources).items()):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            out.append(f"{module}: {n} lines")
    return out


def problems(root: Path, sources: dict[str, str] = SOURCES) -> list[str]:
    """Every breach of the three rules, one line each."""
    graph = import_graph(root, sources)
    return (
        [f"cycle: {' <-> '.join(c)}" for c in cycles(graph)]
        + [f"upward: {u}" for u in upward_imports(graph)]
        + [f"too long: {m}" for m in long_modules(root, sources)]
    )


# ---------------------------------------------------------------- the real tree


def test_every_source_folder_is_read():
    files = module_files(ROOT)
    for layer in LAYERS:
        assert any(layer_of(m) == layer for m in files), layer
    # a module we know imports across layers is seen to
    graph = import_graph(ROOT)
    assert "actuary.engine.build" in graph["actuary.analysis.valuation"]


def test_root_package_only_forwards_to_the_api():
    files = module_files(ROOT)
    imported = imports_of(ROOT_PACKAGE, files[ROOT_PACKAGE], set(files))
    assert all(layer_of(m) == "api" for m in imported), imported


def test_no_import_cycles():
    assert cycles(import_graph(ROOT)) == []


def test_imports_run_one_way():
    assert upward_imports(import_graph(ROOT)) == []


def test_no_module_over_700_lines():
    long = {line.split(":")[0] for line in long_modules(ROOT)}
    assert sorted(long - set(BEING_SPLIT)) == []
    assert sorted(set(BEING_SPLIT) - long) == [], "split now: strike it from BEING_SPLIT"


def test_every_subpackage_says_what_it_may_import():
    for pkg, path in module_files(ROOT).items():
        if path.name != "__init__.py" or layer_of(pkg) is None or pkg.count(".") != 1:
            continue
        doc = " ".join((ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split())
        assert "may import" in doc.lower(), pkg
        assert "must not import" in doc.lower() or "nothing in the toolkit imports" in doc.lower(), pkg


# ----------------------------------------------------- the checker on planted trees


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in ("actuary", "actuary/io", "actuary/engine", "actuary/life", "cli"):
        init = tmp_path / folder / "__init__.py"
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text('"""x"""\n', encoding="utf-8")
    return tmp_path


_SRC = {"actuary": "actuary", "actuary.cli": "cli"}


def test_clean_synthetic_tree_passes(tmp_path):
    root = _tree(tmp_path, {
        "actuary/engine/a.py": "from actuary.life import b\nfrom ..io.c import X\n",
        "actuary/life/b.py": "import actuary.io.c\n",
        "actuary/io/c.py": "X = 1\n",
        "cli/main.py": "from actuary.engine.a import f\n",
    })
    assert problems(root, _SRC) == []
    graph = import_graph(root, _SRC)
    assert graph["actuary.engine.a"] == {"actuary.life.b", "actuary.io.c"}
    assert graph["actuary.cli.main"] == {"actuary.engine.a"}


@pytest.mark.parametrize("text", [
    "from actuary.engine import a\n",              # absolute, module by name
    "from actuary import engine\n",                # the package itself
    "from ..engine.a import f\n",                  # relative
    "def f():\n    import actuary.engine.a\n",     # inside a function
])
def test_planted_upward_import_fails(tmp_path, text):
    root = _tree(tmp_path, {
        "actuary/engine/a.py": "f = 1\n",
        "actuary/life/b.py": text,
    })
    found = problems(root, _SRC)
    assert len(found) == 1 and found[0].startswith("upward: actuary.life.b (life) -> actuary.engine")


def test_planted_cycle_fails(tmp_path):
    root = _tree(tmp_path, {
        "actuary/life/a.py": "from . import b\n",
        "actuary/life/b.py": "def g():\n    from actuary.life.c import h\n",
        "actuary/life/c.py": "from .a import x\nh = 1\n",
    })
    assert problems(root, _SRC) == [
        "cycle: actuary.life.a <-> actuary.life.b <-> actuary.life.c"
    ]


def test_planted_long_module_fails(tmp_path):
    root = _tree(tmp_path, {"actuary/io/big.py": "x = 1\n" * (MAX_LINES + 1),
                            "actuary/io/ok.py": "x = 1\n" * MAX_LINES})
    assert problems(root, _SRC) == [f"too long: actuary.io.big: {MAX_LINES + 1} lines"]


def test_top_level_folders_map_to_their_package(tmp_path):
    root = _tree(tmp_path, {
        "cli/main.py": "from actuary.cli import sub\n",
        "cli/sub.py": "from .main import x\n",
    })
    assert problems(root, _SRC) == ["cycle: actuary.cli.main <-> actuary.cli.sub"]
