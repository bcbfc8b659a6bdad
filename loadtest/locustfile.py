"""Locust scenario for the portal: 20 concurrent users over a realistic mix of pages.

Run by ``loadtest/run.py`` (which seeds the data, starts gunicorn and writes the fixture file
named by ``LOADTEST_FIXTURE``). Pages are grouped by name, so the statistics read per page:
challenge list, challenge page, challenge matches (as the owning military user),
recommendations (SME), save profile (an SME user saves its own company's profile through the
web form, with a changed description), API challenge matches (bearer token), event export CSV
(organiser) and ``/healthz`` on the same server.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from htmlforms import profile_save  # loadtest/, on locust's path beside this file
from locust import HttpUser, between, constant, task

with open(os.environ["LOADTEST_FIXTURE"], encoding="utf-8") as handle:
    FIXTURE = json.load(handle)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_sme_numbers = itertools.count()
_military_numbers = itertools.count()
MILITARY = sorted(FIXTURE["military"].items())


class _LoggedIn(HttpUser):
    """A browser user that logs in through the login form once, at start."""

    abstract = True
    wait_time = between(0.5, 1.5)
    email = ""

    def cookies(self) -> dict[str, str]:
        """The session cookies as a header. Production cookies are Secure, which a client
        only sends over HTTPS; the load test talks plain HTTP on loopback, as the reverse
        proxy in front of gunicorn does, so it sends them itself."""
        jar = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        return {"Cookie": jar} if jar else {}

    def on_start(self) -> None:
        page = self.client.get("/auth/login", name="login form")
        match = CSRF.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post("/auth/login", name="login", allow_redirects=False,
                              catch_response=True, headers=self.cookies(),
                              data={"email": self.email, "password": FIXTURE["password"],
                                    "csrf_token": token, "next": ""}) as response:
            if response.status_code != 302:
                response.failure(f"login failed for {self.email}: {response.status_code}")

    def page(self, path: str, name: str) -> None:
        """GET a page; landing on the login form (a lost session) counts as a failure."""
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False,
                             headers=self.cookies()) as response:
            if response.status_code in (301, 302, 303) and "/auth/login" in (
                    response.headers.get("Location") or ""):
                response.failure("redirected to the login form")
                return
            if not response.ok:
                response.failure(f"HTTP {response.status_code}")


class SmeUser(_LoggedIn):
    """Browses open challenges, reads the company's recommendations and now and then saves
    the company's profile (each SME account belongs to a company of its own)."""

    weight = 6

    def on_start(self) -> None:
        emails = FIXTURE["sme_emails"]
        self.email = emails[next(_sme_numbers) % len(emails)]
        super().on_start()

    @task(3)
    def challenge_list(self) -> None:
        self.page(f"/challenges/?page={random.randint(1, 5)}", "challenge list")

    @task(2)
    def challenge_page(self) -> None:
        challenge_id = random.choice(FIXTURE["public_challenge_ids"])
        self.page(f"/challenges/{challenge_id}", "challenge page")

    @task(3)
    def recommendations(self) -> None:
        self.page("/recommendations", "recommendations")

    @task(1)
    def save_profile(self) -> None:
        """Open the edit form, post it back with a changed description (CSRF token and every
        other field as the page filled them in), then follow the redirect to the profile.
        Only the POST is "save profile"; the profile view edits the user's own company."""
        with self.client.get("/company/edit", name="profile edit form", catch_response=True,
                             allow_redirects=False, headers=self.cookies()) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            try:
                data = profile_save(response.text, f"{os.getpid()}-{random.getrandbits(40):x}")
            except LookupError as error:
                response.failure(str(error))
                return
        with self.client.post("/company/edit", name="save profile", data=data,
                              catch_response=True, allow_redirects=False,
                              headers=self.cookies()) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or not location.rstrip("/").endswith("/company"):
                # 200 means the form came back with errors: the save did not happen.
                response.failure(f"not saved: HTTP {response.status_code} {location}")
                return
        self.page(location, "company profile")


class MilitaryUser(_LoggedIn):
    """Owns challenges and reads their ranked, explained matches."""

    weight = 6

    def on_start(self) -> None:
        self.email, self.owned = MILITARY[next(_military_numbers) % len(MILITARY)]
        super().on_start()

    @task(4)
    def challenge_matches(self) -> None:
        challenge_id = random.choice(self.owned)
        self.page(f"/challenges/{challenge_id}/matches", "challenge matches")

    @task(1)
    def challenge_list(self) -> None:
        self.page("/challenges/", "challenge list")


class ApiUser(HttpUser):
    """An integration calling the JSON API with a bearer token."""

    weight = 5
    wait_time = between(0.5, 1.5)

    @task
    def challenge_matches(self) -> None:
        challenge_id = random.choice(FIXTURE["api_challenge_ids"])
        self.client.get(f"/api/v1/challenges/{challenge_id}/matches",
                        headers={"Authorization": f"Bearer {FIXTURE['api_token']}"},
                        name="api challenge matches")


class OrganiserUser(_LoggedIn):
    """Exports an event's match list now and then."""

    weight = 1
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.email = FIXTURE["organiser_email"]
        super().on_start()

    @task
    def export_matches(self) -> None:
        self.page(f"/events/{FIXTURE['event_id']}/export/matches.csv", "event export csv")


class HealthCheck(HttpUser):
    """The load balancer's probe, on the same server under the same load."""

    weight = 2
    wait_time = constant(1)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")
