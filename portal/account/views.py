from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
def index():
    return "account"
