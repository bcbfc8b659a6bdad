"""Flask extensions, created unbound and wired in :func:`portal.create_app`.

The database handle ``db`` lives in :mod:`portal.db` (its one import path).
"""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()

__all__ = ["csrf", "login_manager", "migrate"]
