"""Load test: seed 10,000 companies and 1,000 challenges, serve with gunicorn, run locust.

Usage (repository root; ``make loadtest`` runs it with the defaults)::

    .venv/bin/python loadtest/run.py [--users 20] [--spawn-rate 5] [--duration 60]
        [--companies 10000] [--challenges 1000] [--workers 2] [--threads 4] [--no-docs]

Steps, all on loopback and bounded in time: create the database if needed (``DATABASE_URL``,
default a fresh local ``portal_loadtest``), migrate, seed the synthetic data unless it is there
(``flask seed-synthetic``), prepare the load fixture (event with matchmaking results, an API
token), start the production server (gunicorn, ``PORTAL_ENV=production``) on a free port and
the encoding worker beside it (``flask encode-worker``, as in production:
``ENCODING_WORKER=process``), warm every worker's match index, measure worker memory, run
locust headless, count the encoding jobs the worker finished and those left, write the "Load
test" section of docs/benchmarks.md and print one JSON object as the LAST line of output. The
server and the encoding worker are always stopped, also on failure or Ctrl-C.

The encoder is MiniLM alone (``MATCHER_ENCODER=minilm``) unless ``MATCHER_ENCODER`` is set:
seeding encodes every synthetic text, and the default ``minilm+e5`` would add e5, about eight
times slower, to it (hours on two cores). ``LOCUST`` names the locust executable when it is
not the virtualenv's (``make loadtest`` installs it there); its environment needs lxml too,
which the locustfile reads the profile form with.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/portal_loadtest"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load test"
PAGES = ("challenge list", "challenge page", "challenge matches", "recommendations",
         "profile edit form", "save profile", "company profile", "api challenge matches",
         "event export csv")
ENCODER = "minilm"
STARTUP_TIMEOUT_S = 120
WARMUP_TIMEOUT_S = 300


def log(message: str) -> None:
    print(f"[loadtest] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- database
def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist."""
    import psycopg

    match = re.match(r"postgresql(?:\+psycopg)?://(?P<server>[^/]+)/(?P<name>[\w-]+)", url)
    if not match:
        raise SystemExit(f"DATABASE_URL must be a postgresql URL, not {url!r}")
    name = match["name"]
    admin = f"postgresql://{match['server']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def flask(env: dict, *args: str, timeout: int = 3600) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def counts(env: dict) -> tuple[int, int]:
    out = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [str(BIN / "python"), __file__, "--count-rows"], cwd=ROOT, env=env, text=True,
        capture_output=True, timeout=120, check=True).stdout
    companies, challenges = json.loads(out.strip().splitlines()[-1])
    return companies, challenges


def _count_rows() -> None:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import db
    from portal.models import Challenge, Company

    app = create_app()
    with app.app_context():
        print(json.dumps([db.session.scalar(select(func.count(Company.id))),
                          db.session.scalar(select(func.count(Challenge.id)))]))


def _queue_status() -> None:
    from portal import create_app
    from portal.db import db
    from portal.services.matching import encoding_status

    app = create_app()
    with app.app_context():
        status = encoding_status(db.session)
        print(json.dumps({"waiting": status.waiting, "failed": status.failed}))


def queue_status(env: dict) -> dict[str, int]:
    """Encoding jobs waiting and given up, read in a child process."""
    out = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [str(BIN / "python"), __file__, "--queue-status"], cwd=ROOT, env=env, text=True,
        capture_output=True, timeout=120, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def drain(env: dict, timeout: float) -> tuple[dict[str, int], float]:
    """Wait up to ``timeout`` s for the encoding worker to empty the queue; the last status
    and the seconds waited."""
    started = time.monotonic()
    status = queue_status(env)
    while status["waiting"] and time.monotonic() - started < timeout:
        time.sleep(1)
        status = queue_status(env)
    return status, round(time.monotonic() - started, 1)


def _write_fixture(path: str, seed: int) -> None:
    """In a child process: the synthetic event, an API token and the accounts, as JSON."""
    from sqlalchemy import select

    from portal import create_app
    from portal.db import db
    from portal.models import User
    from portal.services import synthetic
    from portal.services.tokens import create_token

    app = create_app()
    with app.app_context():
        fixture = synthetic.prepare_load_fixture(db.session, seed=seed)
        email, owned = sorted(fixture.military.items())[0]
        user = db.session.scalar(select(User).where(User.email == email))
        _, raw = create_token(db.session, user, "load test")
        db.session.commit()
        Path(path).write_text(json.dumps({
            "password": fixture.password, "sme_emails": fixture.sme_emails,
            "military": fixture.military, "organiser_email": fixture.organiser_email,
            "event_id": fixture.event_id, "public_challenge_ids": fixture.public_challenge_ids,
            "api_token": raw, "api_challenge_ids": owned,
        }))


# --------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (http only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(pid) for pid in children)


def loads_torch(pid: int) -> bool:
    """Whether the process mapped libtorch (the sentence-transformers model was loaded)."""
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class Service:
    """A command in its own process group, output to ``log_path``; ``stop`` always ends the
    whole group."""

    name = "service"

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.command = command
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("w") as handle:
            self.process = subprocess.Popen(  # noqa: S603  (the venv's own executables)
                self.command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        log(f"stopping the {self.name}")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def production_env(env: dict) -> dict:
    """The server's and the encoding worker's environment: production, one fresh secret."""
    return {**env, "PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
            "ENCODING_WORKER": "process"}


class Server(Service):
    """gunicorn with ``gunicorn.conf.py`` on ``port``."""

    name = "server"

    def __init__(self, env: dict, port: int, workers: int, threads: int, log_path: Path):
        super().__init__(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
            {**env, "PORT": str(port), "BIND": f"127.0.0.1:{port}",
             "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
             "GUNICORN_ACCESS_LOG": str(log_path.with_suffix(".access.log"))},
            log_path)


class EncodeWorker(Service):
    """``flask encode-worker`` (its default batch size and poll interval), as beside
    ``make serve`` in production."""

    name = "encoding worker"

    def __init__(self, env: dict, log_path: Path):
        super().__init__([str(BIN / "flask"), "--app", "app", "encode-worker"], env, log_path)

    def jobs_done(self) -> dict[str, int]:
        """Jobs finished and failed, batches run, and the passages the worker encoded or found
        already stored (encoded by someone else first), from the worker's batch lines."""
        done = failed = batches = new = stored = 0
        with contextlib.suppress(OSError):
            for line in self.log_path.read_text().splitlines():
                match = re.match(r"Encoded (\d+) of \d+ texts?(?:, (\d+) failed)? "
                                 r"\((\d+) passages? new, (\d+) already stored\)", line)
                if match:
                    batches += 1
                    done += int(match[1])
                    failed += int(match[2] or 0)
                    new += int(match[3])
                    stored += int(match[4])
        return {"done": done, "failed": failed, "batches": batches, "passages_new": new,
                "passages_already_stored": stored}


def wait_until_up(base: str, server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {server.log_path}")
        with contextlib.suppress(OSError):
            if get(base + "/healthz", timeout=5)[0] == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer /healthz in {STARTUP_TIMEOUT_S} s")


def warm(base: str, fixture: dict, workers: int) -> list[float]:
    """Call the API matches endpoint until every worker answers fast (index built)."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {"Authorization": f"Bearer {fixture['api_token']}"}
    urls = [f"{base}/api/v1/challenges/{cid}/matches" for cid in fixture["api_challenge_ids"]]
    deadline = time.monotonic() + WARMUP_TIMEOUT_S
    timings: list[float] = []
    fast_rounds = 0
    with ThreadPoolExecutor(max_workers=max(2, workers * 2)) as pool:
        while time.monotonic() < deadline and fast_rounds < 3:
            batch = [urls[n % len(urls)] for n in range(workers * 4)]
            results = list(pool.map(lambda u: get(u, headers, timeout=WARMUP_TIMEOUT_S), batch))
            bad = [status for status, _ in results if status != 200]
            if bad:
                raise SystemExit(f"warm-up got HTTP {bad[0]}")
            slowest = max(seconds for _, seconds in results)
            timings.append(round(slowest, 2))
            fast_rounds = fast_rounds + 1 if slowest < 1.0 else 0
    if fast_rounds < 3:
        raise SystemExit(f"the workers were not warm after {WARMUP_TIMEOUT_S} s")
    # The other pages once each (templates, first sessions), so they are not timed cold.
    for challenge_id in fixture["public_challenge_ids"][:4]:
        get(f"{base}/challenges/{challenge_id}")
    return timings


# --------------------------------------------------------------------------- locust
def run_locust(base: str, fixture_path: str, out: Path, users: int, rate: int,
               duration: int, env: dict) -> Path:
    prefix = out / "locust"
    locust = os.environ.get("LOCUST") or str(BIN / "locust")
    command = [locust, "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(rate), "-t", f"{duration}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
               "--loglevel", "WARNING"]
    log(" ".join(command[1:]))
    result = subprocess.run(command, cwd=ROOT,  # noqa: S603  (the venv's locust)
                            env={**env, "LOADTEST_FIXTURE": fixture_path},
                            capture_output=True, text=True, timeout=duration + 120, check=False)
    (out / "locust.log").write_text(result.stdout + result.stderr)
    if not (out / "locust_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics (exit {result.returncode}):\n"
                         f"{result.stderr[-2000:]}")
    return prefix


def read_stats(prefix: Path) -> dict[str, dict]:
    stats: dict[str, dict] = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "errors": int(row["Failure Count"]),
                "server_errors": 0,
            }
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in stats and re.search(r"\b5\d\d\b", row["Error"]):
                stats[row["Name"]]["server_errors"] += int(row["Occurrences"])
    return stats


# --------------------------------------------------------------------------- report
def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return (f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def section_text(report: dict, command: str) -> str:
    rows = [
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors (5xx) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in [*report["pages"].items(), ("healthz", report["healthz"])]:
        rows.append(f"| {name} | {s['requests']} | {s['rps']} | {s['p50_ms']:.0f} | "
                    f"{s['p95_ms']:.0f} | {s['p99_ms']:.0f} | {s['errors']} "
                    f"({s['server_errors']}) |")
    memory = report["memory"]
    encoding = report["encoding"]
    workers = ", ".join(f"{w['before_mib']} → {w['after_mib']} MiB"
                        + (" (model loaded)" if w["torch"] else "") for w in memory["workers"])
    return "\n".join([
        SECTION, "",
        f"Run {report['date']} on {report['machine']} (shared with other jobs), PostgreSQL, "
        f"gunicorn {report['server']}; {report['companies']:,} companies and "
        f"{report['challenges']:,} challenges; locust {report['users']} users "
        f"(spawn {report['spawn_rate']}/s) for {report['duration_s']} s, think time "
        "0.5-1.5 s (health probe every 1 s). Written by the runner: the last run wins.", "",
        "```", command, "```", "",
        *rows, "",
        "Mix (users by weight): 6 SMEs (challenge list, challenge page, recommendations and, "
        "one task in nine, a profile save: the edit form, its POST with a changed description, "
        "the redirect to the profile; each SME account saves its own company), 6 military "
        "owners (their challenges' matches page, challenge list), 5 API clients "
        "(`GET /api/v1/challenges/<id>/matches` with a bearer token), 1 organiser (event "
        "matches CSV export), 2 health probes (`/healthz`). Logins happen once per user at "
        "start and are not in the table.", "",
        f"Encoder `{report['encoder']}` (`MATCHER_ENCODER`; the runner uses MiniLM alone unless "
        "it is set, so seeding 10,000 companies takes minutes, not hours with e5). Encoding: "
        "`flask encode-worker` ran beside gunicorn (`ENCODING_WORKER=process`, as in "
        f"production); {encoding['saves']} saves queued their texts, the worker finished "
        f"{encoding['done']} jobs in {encoding['batches']} batches during the run "
        f"({encoding['failed']} failed; {encoding['passages_new']} passages encoded, "
        f"{encoding['passages_already_stored']} found already stored), "
        f"{encoding['waiting_after']} waited at the end ({encoding['waiting_before']} before), "
        f"{encoding['left_after_drain']} were left {encoding['drain_s']} s later.", "",
        f"Worker memory (VmRSS, before → after the match index was loaded): {workers}. "
        f"Warm-up (slowest of each round of API calls, s): {report['warmup_s']}. "
        + ("During the warm-up no worker loaded the sentence-transformers model: every "
           "vector came from the embedding cache."
           if not any(w["torch"] for w in memory["workers"]) else "")
        + _torch_after(memory["workers"]), "",
    ])


def _torch_after(workers: list[dict]) -> str:
    loaded = sum(1 for w in workers if w["torch_after_load"])
    if not loaded:
        return (" After the load no web worker had loaded the model either: the saved texts "
                "were encoded by the encoding worker alone.")
    return (f" After the load {loaded} of {len(workers)} web workers had loaded the model: "
            "the index update after a save encoded a text the encoding worker had not "
            "stored yet.")


def write_section(text: str) -> None:
    """Replace the "Load test" section of docs/benchmarks.md (or append it)."""
    current = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOCS.write_text(updated.rstrip("\n") + "\n")


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--challenges", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", default="", help="folder for locust CSVs and server logs")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--count-rows", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write-fixture", default="", help=argparse.SUPPRESS)
    parser.add_argument("--queue-status", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_rows:
        return _count_rows()
    if args.queue_status:
        return _queue_status()
    if args.write_fixture:
        return _write_fixture(args.write_fixture, args.seed)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    encoder = os.environ.get("MATCHER_ENCODER") or ENCODER
    env = {**os.environ, "DATABASE_URL": url, "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "PORTAL_ENV": "development", "MATCHER_ENCODER": encoder}
    env.pop("SECRET_KEY", None)
    out = Path(args.out or tempfile.mkdtemp(prefix="portal-loadtest-"))
    out.mkdir(parents=True, exist_ok=True)
    ensure_database(url)
    log("migrating")
    flask(env, "db", "upgrade")
    companies, challenges = counts(env)
    if companies < args.companies or challenges < args.challenges:
        log(f"seeding {args.companies} companies and {args.challenges} challenges "
            "(encoding takes minutes on a CPU)")
        started = time.perf_counter()
        print(flask(env, "seed-synthetic", "--companies", str(args.companies),
                    "--challenges", str(args.challenges), "--seed", str(args.seed)),
              file=sys.stderr)
        log(f"seeded in {time.perf_counter() - started:.0f} s")
        companies, challenges = counts(env)
    else:
        log(f"data present: {companies} companies, {challenges} challenges")
    fixture_path = str(out / "fixture.json")
    subprocess.run([str(BIN / "python"), __file__, "--write-fixture", fixture_path,  # noqa: S603
                    "--seed", str(args.seed)], cwd=ROOT, env=env, check=True, timeout=600)
    fixture = json.loads(Path(fixture_path).read_text())

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serving = production_env(env)
    server = Server(serving, port, args.workers, args.threads, out / "gunicorn.log")
    worker = EncodeWorker(serving, out / "encode-worker.log")

    def interrupted(signum, _frame):
        worker.stop()
        server.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        log(f"starting gunicorn on {base} ({args.workers} workers x {args.threads} threads)")
        server.start()
        log("starting the encoding worker (flask encode-worker)")
        worker.start()
        wait_until_up(base, server)
        # Texts left by an interrupted run: encoded first, so no web worker's first index
        # build encodes them (the model would be loaded in it before the load starts).
        leftover, _ = drain(env, WARMUP_TIMEOUT_S)
        pids = worker_pids(server.process.pid)
        before = {pid: rss_mib(pid) for pid in pids}
        log("warming the workers' match indexes")
        warmup = warm(base, fixture, args.workers)
        after = {pid: rss_mib(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
        torch = {pid: loads_torch(pid) for pid in pids}
        queued_before = queue_status(env)
        prefix = run_locust(base, fixture_path, out, args.users, args.spawn_rate,
                            args.duration, env)
        stats = read_stats(prefix)
        queued_after = queue_status(env)
        torch_after = {pid: loads_torch(pid) for pid in pids}
        # A save still in flight when locust stopped commits a moment later.
        drained, drain_s = drain(env, 60)
        worker_alive = worker.process is not None and worker.process.poll() is None
    finally:
        worker.stop()
        server.stop()

    command = ("" if url == DEFAULT_DATABASE else f"DATABASE_URL={url} ") + (
        "" if encoder == ENCODER else f"MATCHER_ENCODER={encoder} ") + (
        f"LOCUST={os.environ['LOCUST']} " if os.environ.get("LOCUST") else "") + (
        ".venv/bin/python loadtest/run.py") + (
        "" if (args.users, args.duration) == (20, 60) else
        f" --users {args.users} --duration {args.duration}")
    report = {
        "date": dt.date.today().isoformat(), "machine": machine(),
        "server": f"{args.workers} workers x {args.threads} threads",
        "users": args.users, "spawn_rate": args.spawn_rate, "duration_s": args.duration,
        "companies": companies, "challenges": challenges, "encoder": encoder,
        "pages": {name: stats[name] for name in PAGES if name in stats},
        "healthz": stats.get("healthz", {}),
        "memory": {"workers": [{"pid": pid, "before_mib": before[pid],
                                "after_mib": after.get(pid, 0.0), "torch": torch[pid],
                                "torch_after_load": torch_after[pid]}
                               for pid in pids]},
        "encoding": {"saves": stats.get("save profile", {}).get("requests", 0),
                     "waiting_before": queued_before["waiting"], **worker.jobs_done(),
                     "waiting_after": queued_after["waiting"],
                     "given_up_after": queued_after["failed"],
                     "left_after_drain": drained["waiting"], "drain_s": drain_s,
                     "leftover_before_warmup": leftover["waiting"],
                     "worker_alive": worker_alive},
        "warmup_s": warmup, "out": str(out),
    }
    if not args.no_docs:
        write_section(section_text(report, command))
        log(f"wrote the '{SECTION[3:]}' section of {DOCS.relative_to(ROOT)}")
    log(f"locust CSVs and server logs in {out}")
    summary = {
        "pages": {name: {k: s[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")}
                  for name, s in report["pages"].items()},
        "healthz": {k: report["healthz"].get(k) for k in
                    ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")},
        "companies": companies, "challenges": challenges, "encoder": encoder,
        "encoding": report["encoding"], "memory_mib": report["memory"]["workers"],
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
