"""The encoding worker: batches, errors, dead workers' jobs, the multilingual companion, the
``flask encode-worker`` command and where the worker runs."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import matching as matching_library
from matching.testing import HashingEncoder
from portal.db import db, utcnow
from portal.models import Embedding, EncodingJob
from portal.services import matching
from portal.services.matching import queue, worker
from portal.services.matching.engine import encode_texts

SONAR = "Passive sonar arrays and hydrophones for anti-submarine warfare."
DRONES = "Autonomous drones with computer vision for search and rescue in the Arctic."
WAIT_SECONDS = 30


def _enqueue(kind: str, row_id: int, text: str) -> None:
    queue.enqueue(db.session, kind, row_id, text)
    db.session.commit()


def _job_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(EncodingJob))


def _stored(model_id: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Embedding)
                             .where(Embedding.model_id == model_id))


def test_one_batch_encodes_every_claimed_text_and_removes_the_jobs(app):
    _enqueue("company", 1, SONAR)
    _enqueue("challenge", 1, DRONES)
    encoder = matching.get_engine(app).encoder
    report = worker.EncodingWorker(app).run_once()
    assert (report.claimed, report.done, report.failed, report.encoded) == (2, 2, 0, 2)
    assert encoder.calls == 1  # one batch, not one call per text
    assert _job_count() == 0
    assert _stored(encoder.model_id) == 2
    assert report.status.waiting == 0


def test_an_encoding_error_counts_an_attempt_and_keeps_the_job(app, monkeypatch):
    _enqueue("company", 1, SONAR)

    def broken(challenge_texts, company_texts):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(worker, "encode_texts", broken)
    report = worker.EncodingWorker(app).run_once()
    assert (report.claimed, report.done, report.failed) == (1, 0, 1)
    db.session.expire_all()
    job = db.session.scalar(select(EncodingJob))
    assert job.attempts == 1
    assert job.last_error == "RuntimeError: model file missing"
    assert job.leased_until > utcnow()  # waits before the next try
    assert worker.EncodingWorker(app).run_once().claimed == 0


def test_one_bad_text_does_not_hold_back_the_rest_of_its_batch(app, monkeypatch):
    _enqueue("company", 1, SONAR)
    _enqueue("company", 2, "poison " + DRONES)

    def picky(challenge_texts, company_texts):
        if any(text.startswith("poison") for text in company_texts):
            raise ValueError("cannot read this text")
        return encode_texts(challenge_texts, company_texts)

    monkeypatch.setattr(worker, "encode_texts", picky)
    report = worker.EncodingWorker(app).run_once()
    assert (report.claimed, report.done, report.failed) == (2, 1, 1)
    db.session.expire_all()
    assert [j.row_id for j in db.session.scalars(select(EncodingJob))] == [2]


def test_a_job_claimed_by_a_dead_worker_is_encoded_once_its_lease_ran_out(app):
    _enqueue("company", 1, SONAR)
    queue.claim(db.session, limit=1, lease=timedelta(minutes=10),
                now=utcnow() - timedelta(minutes=11))  # that worker died long ago
    db.session.commit()
    report = worker.EncodingWorker(app).run_once()
    assert (report.claimed, report.done) == (1, 1)
    assert _job_count() == 0


def test_a_job_another_worker_holds_now_is_left_alone(app):
    _enqueue("company", 1, SONAR)
    queue.claim(db.session, limit=1)
    db.session.commit()
    assert worker.EncodingWorker(app).run_once().claimed == 0
    assert _job_count() == 1


def test_the_multilingual_companion_gets_the_passages_the_matcher_reads(app):
    engine = matching.get_engine(app)
    companion = HashingEncoder(dim=32, cache=engine.cache)
    main = HashingEncoder(cache=engine.cache)
    main.multilingual = companion
    engine._encoder = main
    long_profile = "\n".join(f"Project {n}: " + " ".join(["sonar"] * 140) for n in range(4))
    assert len(main.passages(long_profile)) == 4
    stats = encode_texts(["Quiet submarines in fjords."], [long_profile])
    assert _stored(main.model_id) == 5  # every passage, for the main encoder
    assert _stored(companion.model_id) == 5  # the matcher's default: whole texts for e5 too
    assert stats["encoded"] == 10


def test_a_norwegian_text_is_encoded_as_the_matcher_reads_it_its_english_gloss(app):
    engine = matching.get_engine(app)
    challenge = "Vi trenger lette batterier og drivstoff for ubemannede fartøy til sjøs."
    profile = "Vi utvikler undervannsfarkoster med akustisk kommunikasjon for Forsvaret."
    encode_texts([challenge], [profile])
    # Fitting the index afterwards finds every passage the English encoder reads.
    fitted = matching_library.Matcher(encoder=engine.encoder).fit(
        [matching_library.Document("c", challenge)], [matching_library.Document("p", profile)])
    assert fitted.challenge_languages_.tolist() == ["nb"]
    assert fitted.encode_stats_["challenges"]["encoded"] == 0
    assert fitted.encode_stats_["companies"]["encoded"] == 0
    assert fitted.encode_stats_["companies"]["reused"] == 1


def test_the_companion_reads_no_more_than_a_capped_matcher_reads(app, monkeypatch):
    engine = matching.get_engine(app)
    companion = HashingEncoder(dim=32, cache=engine.cache)
    main = HashingEncoder(cache=engine.cache)
    main.multilingual = companion
    engine._encoder = main
    original = matching_library.Matcher.__init__

    def capped(self, *args, **kwargs):
        original(self, *args, **{**kwargs, "multilingual_passages": 2})

    monkeypatch.setattr(matching_library.Matcher, "__init__", capped)
    long_profile = "\n".join(f"Project {n}: " + " ".join(["sonar"] * 140) for n in range(4))
    encode_texts(["Quiet submarines in fjords."], [long_profile])
    assert _stored(companion.model_id) == 3  # the challenge's and the first two of the profile


def test_flask_encode_worker_once_drains_the_queue_and_prints_progress(app, runner):
    for row_id in range(1, 6):
        _enqueue("company", row_id, f"{SONAR} Variant {row_id}.")
    result = runner.invoke(args=["encode-worker", "--once", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "5 texts wait for encoding."
    assert sum(line.startswith("Encoded 2 of 2 texts") for line in lines) == 2
    assert any(line.startswith("Encoded 1 of 1 text (") and line.endswith("0 waiting.")
               for line in lines)
    assert lines[-1] == "Done: 5 texts encoded, 0 failed; 0 waiting, 0 given up."
    assert _job_count() == 0


@pytest.mark.parametrize("config, mode", [
    ({"TESTING": True, "PORTAL_ENV": "testing"}, "off"),
    ({"PORTAL_ENV": "development"}, "thread"),
    ({"PORTAL_ENV": "production"}, "process"),
    ({"PORTAL_ENV": "production", "ENCODING_WORKER": "thread"}, "thread"),
    ({"TESTING": True, "ENCODING_WORKER": "process"}, "process"),
])
def test_where_the_worker_runs(config, mode):
    assert worker.worker_mode(config) == mode


def test_an_unknown_worker_mode_is_refused():
    with pytest.raises(ValueError, match="ENCODING_WORKER"):
        worker.worker_mode({"ENCODING_WORKER": "celery"})


def test_tests_start_no_worker_thread(app, client):
    client.get("/")
    assert worker.EXTENSION_KEY not in app.extensions


def test_a_ranking_meanwhile_neither_waits_for_the_worker_nor_gets_the_old_index(
        app, make_company, make_challenge, monkeypatch):
    make_company(description=SONAR)
    matching.rank_companies(db.session, None, make_challenge(problem=DRONES))  # an index exists
    encoder = matching.get_engine(app).encoder
    started, release = threading.Event(), threading.Event()
    real = encoder.encode_passages

    def slow_in_the_worker(passages):
        if threading.current_thread() is not threading.main_thread():
            started.set()
            release.wait(WAIT_SECONDS)
        return real(passages)

    monkeypatch.setattr(encoder, "encode_passages", slow_in_the_worker)
    _enqueue("company", 99, "Thermal cameras for border surveillance.")
    background = threading.Thread(target=worker.EncodingWorker(app).run_once)
    background.start()
    try:
        assert started.wait(WAIT_SECONDS)  # the worker is encoding now
        new = make_challenge(title="Sonar", problem=SONAR)
        result = matching.rank_companies(db.session, None, new)
        assert [item.company.description for item in result.items] == [SONAR]
    finally:
        release.set()
        background.join(WAIT_SECONDS)
    assert _job_count() == 0
