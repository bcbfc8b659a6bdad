"""Time what one profile save costs a web worker's index: a whole build, cold or warm, or an update.

Usage (repository root, on the load test's data; see loadtest/run.py)::

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/portal_loadtest \\
        MATCHER_ENCODER=minilm .venv/bin/python loadtest/rebuild_after_save.py [--runs 3]

Each run changes one company's description (as a save does), then brings the index up to date
three ways, timed alternately, side by side: "cold", a whole build by a process with no index;
"warm", a whole build replacing the previous index (its area classifiers start from the
replaced index's); "update", what a web worker does after a save (the saved company's rows
replaced, ``Matcher.with_companies``). The changed text is encoded before the clock starts, as
the encoding worker does, so only the index work is timed. Medians are printed. The changed
description is written back as it was at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from portal import create_app
from portal.db import db
from portal.models import Company
from portal.services.matching.engine import get_engine, index_company


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        engine = get_engine()
        engine.index(db.session, force=True)
        company = db.session.scalars(select(Company).order_by(Company.id).limit(1)).one()
        original = company.description
        times: dict[str, list[float]] = {"cold": [], "warm": [], "update": []}
        try:
            for run in range(args.runs):
                for mode in times:
                    company.description = f"{original} Revision {mode} {run}."
                    db.session.commit()
                    index_company(db.session, company)  # as the encoding worker does first
                    if mode == "cold":
                        engine._index = None  # a process without an index builds from scratch
                    started = time.perf_counter()
                    engine.index(db.session, force=mode == "warm")
                    times[mode].append(time.perf_counter() - started)
        finally:
            company.description = original
            db.session.commit()
        companies = len(engine._index.company_ids) if engine._index else 0
        print(f"index after one save, {companies} companies, {args.runs} runs each:")
        for mode, values in times.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"  {mode}: median {statistics.median(values):.2f} s ({shown})")
        cold = statistics.median(times["cold"])
        print(f"  cold / warm: {cold / statistics.median(times['warm']):.2f}, "
              f"cold / update: {cold / statistics.median(times['update']):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
