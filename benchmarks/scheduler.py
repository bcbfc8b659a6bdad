"""Benchmark of the 1:1 meeting scheduler on an event-sized random instance.

Run from the repository root::

    .venv/bin/python -m benchmarks.scheduler            # 200 companies x 30 challenges x 12 slots
    .venv/bin/python benchmarks/scheduler.py --runs 5

Reports the median solve time over a few runs and the objective (sum of placed match scores)
of the MILP schedule against a greedy baseline (best score first, earliest free slot).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.services.scheduler import PairInput, greedy_schedule, schedule


def instance(
    companies: int, challenges: int, slots: int, per_company: int, owners: int, seed: int
) -> tuple[list[PairInput], dict]:
    """Random instance: each company accepted to ``per_company`` challenges; challenges share
    ``owners`` owners (a unit owning several challenges); a quarter of the companies and of the
    owners have a restricted window."""
    rng = random.Random(seed)
    owner_of = {c: ("owner", c % owners) for c in range(challenges)}
    pairs: list[PairInput] = []
    for company in range(companies):
        for challenge in rng.sample(range(challenges), per_company):
            pairs.append(PairInput(
                id=len(pairs) + 1,
                company=("company", company),
                owner=owner_of[challenge],
                score=round(rng.uniform(0.2, 1.0), 4),
                challenge=("challenge", challenge),
            ))
    availability: dict = {}
    for company in rng.sample(range(companies), companies // 4):
        start = rng.randrange(0, slots // 2)
        availability[("company", company)] = range(start, start + slots // 2)
    for owner in rng.sample(range(owners), owners // 4):
        availability[("owner", owner)] = range(0, slots - 3)
    return pairs, availability


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--challenges", type=int, default=30)
    parser.add_argument("--owners", type=int, default=20)
    parser.add_argument("--slots", type=int, default=12)
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--per-company", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    pairs, availability = instance(args.companies, args.challenges, args.slots,
                                   args.per_company, args.owners, args.seed)
    times, results = [], []
    for _ in range(args.runs):
        result = schedule(pairs, args.slots, args.tables, availability=availability)
        times.append(result.seconds)
        results.append(result)
    result = results[-1]
    greedy = greedy_schedule(pairs, args.slots, args.tables, availability=availability)
    reasons: dict[str, int] = {}
    for item in result.unplaced:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1

    print(f"machine: {platform.machine()} {platform.processor() or ''} python "
          f"{platform.python_version()}")
    print(f"instance: {args.companies} companies x {args.challenges} challenges "
          f"({args.owners} owners) x {args.slots} slots, {args.tables} tables, "
          f"{len(pairs)} accepted pairs, seed {args.seed}")
    print(f"solve time: median {statistics.median(times):.2f} s over {args.runs} runs "
          f"(min {min(times):.2f}, max {max(times):.2f}); status {result.status}")
    print(f"placed: {len(result.assignments)} of {len(pairs)} "
          f"(capacity {args.slots * args.tables}); unplaced by reason: {reasons}")
    gain = (result.objective / greedy - 1) * 100 if greedy else 0.0
    print(f"objective: MILP {result.objective:.3f} vs greedy {greedy:.3f} ({gain:+.1f} %)")


if __name__ == "__main__":
    main()
