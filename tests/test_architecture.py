"""The import rules of docs/architecture.md, checked by parsing every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("account", "admin", "api", "auth", "challenges", "events", "main", "matches",
            "smes")
VIEW_LAYER = (*(f"portal.{name}" for name in FEATURES),
              "portal.cli", "portal.errors", "portal.security", "portal.templating")
# Flask names that belong to the web layer: a service that needs them is doing a view's job.
WEB_NAMES = {"abort", "flash", "redirect", "render_template", "request", "session", "url_for",
             "make_response", "jsonify", "send_file"}
# The audit trail records where a request came from; the one service that reads the request.
READS_REQUEST = {"portal.services.audit"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, set[str], int]]:
    """``(module, names imported from it, line)`` for every import in ``path``, nested ones
    included; relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, set(), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = {alias.name for alias in node.names}
            found.append((base, names, node.lineno))
            # ``from portal.services import matching`` imports the module portal.services.matching
            found += [(f"{base}.{name}", set(), node.lineno) for name in names]
    return found


def within(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def violations(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{p.relative_to(ROOT)}:{line} imports {module}"
            for p in paths for module, _, line in imports_of(p) if within(module, forbidden)]


def test_matching_never_imports_the_web_stack_or_the_portal():
    assert violations(modules("matching"), (
        "portal", "flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy",
        "werkzeug", "wtforms")) == []


def test_models_never_import_services_views_or_the_request():
    paths = [*modules("portal/models"), ROOT / "portal" / "db.py"]
    assert violations(paths, ("portal.services", "portal.demo", *VIEW_LAYER)) == []
    assert [f"{p.relative_to(ROOT)}:{line}" for p in paths
            for module, names, line in imports_of(p)
            if module == "flask" and names & (WEB_NAMES | {"current_app", "g"})] == []


def test_services_never_import_views_or_web_helpers():
    paths = modules("portal/services", "portal/demo")
    assert violations(paths, VIEW_LAYER) == []
    web = [f"{p.relative_to(ROOT)}:{line} imports {sorted(names & WEB_NAMES)} from flask"
           for p in paths for module, names, line in imports_of(p)
           if module == "flask" and names & WEB_NAMES
           and not (module_name(p) in READS_REQUEST and names & WEB_NAMES == {"request"})]
    assert web == []


def test_only_the_matching_service_imports_the_matching_library():
    allowed = ("portal.services.matching", "portal.services.tuning")
    offenders = [f"{p.relative_to(ROOT)}:{line} imports {module}"
                 for p in modules("portal") if not within(module_name(p), allowed)
                 for module, _, line in imports_of(p) if within(module, "matching")]
    assert offenders == []


@pytest.mark.parametrize("source, expected", [
    ("from flask import request\n", "flask"),
    ("def f():\n    from portal.services import audit\n", "portal.services.audit"),
    ("from . import forms\n", "portal.challenges.forms"),
])
def test_the_checker_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    module = ROOT / "portal" / "challenges" / "_probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert expected in [m for m, _, _ in imports_of(module)]
