from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    return "signup"


@bp.post("/logout")
def logout():
    return "logout"
