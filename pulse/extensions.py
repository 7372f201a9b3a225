"""Extensions, unbound: the factory calls ``init_app`` on each."""
from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from surveys.integrity import hash_token

from . import ratelimit  # noqa: F401  (registers the pulse-memory:// storage with limits)

# Stable constraint names, so that migrations can name what they alter on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


def client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, so no raw IP reaches the store."""
    from flask import current_app

    return hash_token(current_app.config["SECRET_KEY"], request.remote_addr or "unknown")[:32]


limiter = Limiter(key_func=client_key, default_limits=[])
