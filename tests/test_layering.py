"""The dependency direction: surveys/ and analysis/ are plain Python and never reach up.

They must stay usable from a notebook, a job or another front end, so neither imports the web
framework, its form library, any Flask extension, or the application package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAIN_PACKAGES = ("surveys", "analysis")
FORBIDDEN = ("flask", "wtforms", "werkzeug", "jinja2", "pulse")


def forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN or top.startswith("flask_")


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module an import statement names, relative imports resolved against ``package``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: max(0, package.count(".") + 1 - (node.level - 1))]
                found.append((node.lineno, ".".join([*base, node.module or ""]).strip(".")))
            else:
                found.append((node.lineno, node.module or ""))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", "")) in
              ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            # importlib.import_module("flask") is an import too.
            found.append((node.lineno, node.args[0].value))
    return found


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def package_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    else:
        parts = parts[:-1]
    return ".".join(parts)


@pytest.mark.parametrize("package", PLAIN_PACKAGES)
def test_plain_packages_import_no_web_code(package):
    files = python_files(package)
    assert files, f"{package}/ has no Python files to check"
    offences = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree, package_of(path)):
            if forbidden(module):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert offences == []


def test_the_checker_catches_each_kind_of_import():
    source = ("import flask\nfrom wtforms import Form\nimport flask_babel as fb\n"
              "from pulse.models import Area\nfrom ..core import x\n"
              "import importlib\nimportlib.import_module('flask_login')\n"
              "from . import scales\nimport numpy\n")
    modules = [m for _, m in imported_modules(ast.parse(source), "surveys.sub")]
    assert [m for m in modules if forbidden(m)] == [
        "flask", "wtforms", "flask_babel", "pulse.models", "flask_login"]
    assert "surveys.core" in modules and "surveys.sub" in modules
