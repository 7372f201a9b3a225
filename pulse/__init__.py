"""Neighbourhood Pulse: the Flask application."""
from __future__ import annotations

import os

from flask import Flask

from . import config as pulse_config
from .jsonio import JSONProvider


def create_app(test_config: dict | None = None) -> Flask:
    """Create the application: defaults, then the environment and instance file, then tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = JSONProvider(app)
    app.config.update(pulse_config.DEFAULTS)
    app.config.update(pulse_config.from_environment(dict(os.environ)))
    app.config.from_pyfile("pulse.cfg", silent=True)
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    pulse_config.finalise(app.config, app.instance_path)

    register_converters(app)
    register_proxy(app)
    register_form_bodies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security(app)
    return app


def register_converters(app: Flask) -> None:
    from .converters import init_app

    init_app(app)


def register_proxy(app: Flask) -> None:
    # Behind a reverse proxy the client address arrives in X-Forwarded-For; trust exactly
    # as many hops as the deployment says, never more (or anyone could pick a rate-limit key).
    hops = int(os.environ.get("PULSE_PROXY_HOPS", app.config.get("PULSE_PROXY_HOPS", 0)))
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_form_bodies(app: Flask) -> None:
    # Before the extensions: a staff form posted as JSON is refused as such (415) before
    # Flask-WTF's CSRF check, which would otherwise read the JSON body as the form.
    from .formbody import init_app

    init_app(app)


def register_extensions(app: Flask) -> None:
    from . import database
    from .extensions import babel, csrf, db, limiter, migrate
    from flask_babel import get_locale

    from .i18n import language_links, language_url, long_date, select_locale

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    app.jinja_env.globals.update(language_url=language_url, language_links=language_links,
                                 get_locale=get_locale)
    app.jinja_env.filters["long_date"] = long_date


def register_blueprints(app: Flask) -> None:
    from .codes.views import bp as codes_bp
    from .main.views import bp as main_bp
    from .survey.views import bp as survey_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(codes_bp)
    from .officer.public import bp as you_said_bp  # "you said, we did" for residents
    app.register_blueprint(you_said_bp)
    from .collect.api import bp as collect_api_bp  # assisted mode, offline queue, web app
    from .collect.views import bp as collect_bp

    app.register_blueprint(collect_bp)
    app.register_blueprint(collect_api_bp)
    from .auth import init_app as init_auth  # sign-in, /account, /admin/users, /officer/
    init_auth(app)
    from .admin.views import bp as admin_bp  # the admin console under /admin/
    app.register_blueprint(admin_bp)
    from .api.token_views import bp as api_tokens_bp  # /account/tokens, /admin/api-tokens
    from .api.views import bp as api_bp  # the open-data API under /api/v1

    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    from .packs.views import bp as packs_bp  # briefing packs under /officer/
    app.register_blueprint(packs_bp)
    from .exports.views import bp as exports_bp  # CSV and XLSX downloads under /exports/
    app.register_blueprint(exports_bp)


def register_security(app: Flask) -> None:
    from .security import init_app

    init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import init_app

    init_app(app)
