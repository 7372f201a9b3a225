"""The ``one_backend`` marker (tests/conftest.py): a marked test keeps its SQLite copy alone,
every unmarked test keeps a copy per backend, whatever the machine's PostgreSQL."""
from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

# Stand-ins for the real backend fixtures, with both backends whether or not PostgreSQL is set.
FIXTURES = """
import pytest

from tests.conftest import pytest_collection_modifyitems  # noqa: F401  (the hook under test)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request):
    return request.param


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request):
    return request.param


@pytest.fixture
def app(database_url):
    return database_url
"""

TESTS = """
import pytest

pytestmark = pytest.mark.slow


@pytest.mark.one_backend
def test_rendering(app):
    assert app == "sqlite"


def test_storing(app):
    pass


@pytest.mark.one_backend
def test_fresh_rendering(fresh_url):
    assert fresh_url == "sqlite"


@pytest.mark.one_backend
def test_no_database():
    pass
"""


def test_marked_tests_run_on_sqlite_alone_and_the_rest_on_both(pytester):
    # The project's own settings: the marker must be registered (--strict-markers).
    ini = (ROOT / "pytest.ini").read_text(encoding="utf-8")
    pytester.makeini(ini.replace("testpaths = tests\n", ""))
    pytester.makeconftest(FIXTURES)
    pytester.makepyfile(test_marked=TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, deselected=2)
    result.stdout.fnmatch_lines_random([
        "*::test_rendering[[]sqlite[]] PASSED*", "*::test_storing[[]sqlite[]] PASSED*",
        "*::test_storing[[]postgresql[]] PASSED*", "*::test_fresh_rendering[[]sqlite[]] PASSED*",
        "*::test_no_database PASSED*"])
    result.stdout.no_fnmatch_line("*test_rendering[[]postgresql[]]*")
    result.stdout.no_fnmatch_line("*test_fresh_rendering[[]postgresql[]]*")
