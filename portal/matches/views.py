from flask import Blueprint

bp = Blueprint("matches", __name__)


@bp.get("/recommendations")
def recommendations():
    return "recommendations"
