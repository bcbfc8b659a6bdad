"""``flask --app app seed-synthetic``: synthetic companies and challenges at scale."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import db
from portal.services import matching, synthetic


@click.command("seed-synthetic")
@click.option("--companies", default=1000, show_default=True, type=click.IntRange(0),
              help="Synthetic companies of this seed (a rerun adds only missing ones).")
@click.option("--challenges", default=100, show_default=True, type=click.IntRange(0),
              help="Synthetic challenges of this seed.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 99),
              help="Random seed: the same seed always gives the same rows.")
@click.option("--sme-users", default=20, show_default=True, type=click.IntRange(0, 500),
              help="SME accounts created for the first companies.")
@click.option("--no-index", is_flag=True, help="Do not encode (run `flask reindex` later).")
@with_appcontext
def seed_synthetic(companies: int, challenges: int, seed: int, sme_users: int,
                   no_index: bool) -> None:
    """Insert realistic synthetic profiles and challenges in bulk, then encode them."""
    if current_app.config["PORTAL_ENV"] == "production":
        # The synthetic accounts share a published password.
        raise click.ClickException("seed-synthetic refuses to run with PORTAL_ENV=production.")
    summary = synthetic.seed_synthetic(db.session, companies=companies, challenges=challenges,
                                       seed=seed, sme_users=min(sme_users, companies))
    db.session.commit()
    created = ", ".join(f"{n} {kind}" for kind, n in summary.created.items())
    click.echo(f"Synthetic data (seed {seed}): {created or 'already present, nothing'} created "
               f"in {summary.seconds:.1f} s.")
    click.echo("In the database: " + ", ".join(f"{n} {kind}"
                                               for kind, n in summary.totals.items()) + ".")
    click.echo(f"Synthetic accounts (password: {synthetic.SYNTHETIC_PASSWORD}): "
               f"military1.s{seed}@{synthetic.SYNTHETIC_DOMAIN} ... (one per unit), "
               f"organiser.s{seed}@..., sme1.s{seed}@...")
    if no_index:
        return
    started = time.perf_counter()
    stats = matching.reindex(db.session, progress=True)
    db.session.commit()
    click.echo(f"Match index: {stats['encoded']} passages encoded, {stats['reused']} reused "
               f"({time.perf_counter() - started:.1f} s).")


COMMANDS = [seed_synthetic]
