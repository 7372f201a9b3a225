"""The admin tests use the same area tree as the access tests."""
from tests.pulse.auth.conftest import Tree, tree  # noqa: F401
