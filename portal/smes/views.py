from flask import Blueprint

bp = Blueprint("smes", __name__, url_prefix="/company")


@bp.get("/")
def profile():
    return "profile"
