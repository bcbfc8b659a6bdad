"""Matcher commands: ``reindex``, ``matching-report`` and ``refit-weights``."""

import click
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


COMMANDS = [reindex, matching_report, refit_weights]
