"""The SME innovation-challenge portal."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal.config import load_config
from portal.db import MAX_ID, configure_engine, db
from portal.extensions import csrf, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes, which always name ids.

    A number too large for an id column names no row: it becomes 0 (never an id), so the view
    answers 404 as for any unknown id instead of the database rejecting the value (a 500).
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def create_app(config: dict | None = None) -> Flask:
    """Application factory: config, extensions, blueprints and CLI; nothing else."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.url_map.converters["int"] = IdConverter
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from portal import models  # noqa: F401  (register tables for migrations)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    from portal import errors, i18n, ratelimit, security, templating

    i18n.init_app(app)
    configure_engine(app)
    ratelimit.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from portal.account.views import bp as account_bp
    from portal.admin.views import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.auth.views import bp as auth_bp
    from portal.challenges.views import bp as challenges_bp
    from portal.conversations.views import bp as conversations_bp
    from portal.events.views import bp as events_bp
    from portal.i18n_views import bp as language_bp
    from portal.main.views import bp as main_bp
    from portal.matches.views import bp as matches_bp
    from portal.smes.views import bp as smes_bp

    blueprints = (main_bp, auth_bp, account_bp, challenges_bp, smes_bp, matches_bp, events_bp,
                  conversations_bp, admin_bp, api_bp, language_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    from portal.cli import init_app as init_cli
    from portal.services.matching import worker as encoding_worker

    init_cli(app)
    encoding_worker.init_app(app)  # registers a hook; the thread starts with the first request
    return app
