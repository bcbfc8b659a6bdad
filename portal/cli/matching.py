"""Matcher commands: ``reindex``, ``encode-worker``, ``matching-report`` and ``refit-weights``."""

import signal
from dataclasses import replace

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import db
from portal.services import matching, tuning


def _metrics_line(label: str, metrics: dict) -> str:
    return (f"{label}: precision@5 {metrics['precision@5']:.3f}  nDCG@10 {metrics['ndcg@10']:.3f}"
            f"  ({metrics['challenges']} challenges, {metrics['judgements']} judgements)")


@click.command("reindex")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def reindex(quiet: bool) -> None:
    """Encode every company and challenge passage not yet cached, and rebuild the index."""
    stats = matching.reindex(db.session, progress=not quiet)
    stamp = matching.current_stamp(db.session)
    click.echo(
        f"Encoded {stats['encoded']} passages, reused {stats['reused']} cached, in "
        f"{stats['seconds']:.1f} s (model {stamp['model']}, weights {stamp['weights_version']})."
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _batch_line(report: matching.BatchReport) -> str:
    failed = f", {report.failed} failed" if report.failed else ""
    return (f"Encoded {report.done} of {_count(report.claimed, 'text')}{failed} "
            f"({_count(report.encoded, 'passage')} new, {report.reused} already stored) in "
            f"{report.seconds:.1f} s; {report.status.waiting} waiting.")


@click.command("encode-worker")
@click.option("--once", is_flag=True, help="Encode what waits, then exit.")
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="Texts per batch (default 16, or ENCODING_BATCH_SIZE).")
@click.option("--poll", type=click.FloatRange(0.1), default=None,
              help="Seconds between looks at an empty queue (default 5).")
@with_appcontext
def encode_worker(once: bool, batch_size: int | None, poll: float | None) -> None:
    """Encode saved texts queued for the matcher (run beside the web server in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = matching.Settings.from_config(app.config)
    if batch_size is not None:
        settings = replace(settings, batch_size=batch_size)
    if poll is not None:
        settings = replace(settings, poll_seconds=poll)
    worker = matching.EncodingWorker(app, settings)
    status = matching.encoding_status(db.session)
    db.session.remove()
    click.echo(f"{_count(status.waiting, 'text')} "
               f"{'waits' if status.waiting == 1 else 'wait'} for encoding"
               + (f", {status.failed} given up." if status.failed else "."))
    if once:
        reports = worker.drain(on_batch=lambda report: click.echo(_batch_line(report)))
        done = sum(r.done for r in reports)
        failed = sum(r.failed for r in reports)
        after = matching.encoding_status(db.session)
        click.echo(f"Done: {_count(done, 'text')} encoded, {failed} failed; "
                   f"{after.waiting} waiting, {after.failed} given up.")
        return

    def stop(_signum: int, _frame: object) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Encoding worker running (batches of {settings.batch_size}); "
               "Ctrl-C or SIGTERM stops it after its batch.")
    worker.run_forever(on_batch=lambda report: click.echo(_batch_line(report)))
    click.echo("Encoding worker stopped.")


@click.command("matching-report")
@with_appcontext
def matching_report() -> None:
    """Print precision@5 and nDCG@10 of the current weights on the recorded judgements."""
    stamp = matching.current_stamp(db.session)
    metrics = tuning.evaluate(db.session)
    click.echo(f"Model: {stamp['model']}")
    click.echo(f"Weights version: {stamp['weights_version']}")
    click.echo(f"Judgements: {metrics['judgements']}")
    click.echo(f"Challenges with a relevant judgement: {metrics['challenges']}")
    click.echo(f"precision@5: {metrics['precision@5']:.3f}")
    click.echo(f"nDCG@10: {metrics['ndcg@10']:.3f}")
    if metrics["judgements"] < tuning.MIN_JUDGEMENTS:
        click.echo(f"(refit-weights needs at least {tuning.MIN_JUDGEMENTS} judgements.)")


@click.command("refit-weights")
@click.option("--seed", default=tuning.DEFAULT_SEED, show_default=True, type=int,
              help="Seed of the split of judged challenges into fitting and held-out parts.")
@click.option("--min-judgements", default=tuning.MIN_JUDGEMENTS, show_default=True,
              type=click.IntRange(1), help="Refuse to refit below this many judgements.")
@with_appcontext
def refit_weights(seed: int, min_judgements: int) -> None:
    """Learn blend weights from the judgements and make them the active version."""
    try:
        report = tuning.refit_weights(db.session, seed=seed, min_judgements=min_judgements)
    except tuning.NotEnoughJudgements as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"New weights version {report.version} is active "
               f"({report.judgements} judgements, {report.fit_judgements} used for fitting).")
    click.echo("Weights: " + ", ".join(f"{k} {v:.3f}" for k, v in report.weights.items()))
    click.echo(f"Held-out challenges: {len(report.held_out_challenges)}")
    click.echo(_metrics_line("Before", report.before))
    click.echo(_metrics_line("After ", report.after))
    if report.note:
        click.echo(report.note)


COMMANDS = [reindex, encode_worker, matching_report, refit_weights]
