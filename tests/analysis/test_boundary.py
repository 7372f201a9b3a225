"""analysis/ is plain Python + numpy: it never imports the web application."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "analysis"
FORBIDDEN = ("flask", "wtforms", "pulse", "sqlalchemy")


@pytest.mark.parametrize("path", sorted(ROOT.glob("*.py")), ids=lambda p: p.name)
def test_analysis_modules_import_no_web_or_storage_code(path):
    tree = ast.parse(path.read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    assert not [n for n in names if n.split(".")[0] in FORBIDDEN]
