"""Production password hashing is scrypt; user-written text reaches pages escaped."""

from portal.db import db
from portal.models import Challenge
from portal.services import accounts

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_default_password_hash_is_scrypt(app):
    # The tests use a fast pbkdf2 setting; production has no PASSWORD_HASH_METHOD at all.
    app.config.pop("PASSWORD_HASH_METHOD")
    hashed = accounts.hash_password("lingonberry jam on waffles")
    assert hashed.startswith("scrypt:")
    assert accounts.verify_password(hashed, "lingonberry jam on waffles")
    assert not accounts.verify_password(hashed, "lingonberry jam on pancakes")


def test_user_text_is_escaped_on_pages(client, login, make_user, make_company):
    officer = make_user("military", unit="Army Lab")
    challenge = Challenge(title=f"Title {EVIL}", problem=f"Problem {EVIL}", unit="Army Lab",
                          owner=officer, status="open", visibility="public")
    db.session.add(challenge)
    db.session.commit()
    sme = make_user("sme", company=make_company(name=f"Evil {EVIL} AS"), full_name=EVIL)
    login(sme)
    for path in (f"/challenges/{challenge.id}", "/challenges/", "/company/", "/account/"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;alert" in body, path  # shown as text, not dropped
