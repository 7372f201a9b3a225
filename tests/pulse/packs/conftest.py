import pytest


@pytest.fixture
def seeded(app):
    from tests.pulse.packs.support import seed

    with app.app_context():
        seed()
    return app
