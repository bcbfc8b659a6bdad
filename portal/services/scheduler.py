"""The 1:1 meeting scheduler: a pure function on plain data (no ORM, no Flask).

Accepted challenge-company pairs are assigned to (slot, table) so that the total match score is
as high as possible, subject to:

* every participant (a company, a challenge owner) is in at most one meeting per slot; a
  challenge owner is a person or unit that may own several challenges, so the caller gives all
  of their pairs the same ``owner`` key;
* at most ``tables`` meetings run in one slot;
* a pair meets only in slots inside the availability windows of all its participants;
* fixed (already confirmed) meetings keep their slot and table.

The assignment to slots is a binary integer programme solved with HiGHS through
:func:`scipy.optimize.milp` (one variable per pair and allowed slot); table numbers are handed
out per slot afterwards, since tables are interchangeable apart from those of fixed meetings.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

# A pair with a zero (or negative) score is still worth a meeting once both sides accepted it:
# this floor keeps it in the objective without changing which higher-scored set wins.
MIN_WEIGHT = 1e-6

UNAVAILABLE = "participant_unavailable"
BUSY = "no_free_slot_for_both"
CAPACITY = "capacity"

REASONS = {
    UNAVAILABLE: "A participant is not available in any slot (or their windows do not overlap).",
    BUSY: "No slot where both participants are free.",
    CAPACITY: "All tables are taken in the slots where both participants are free.",
}


@dataclass(frozen=True)
class PairInput:
    """One accepted pair to schedule.

    Attributes:
        id: The pair's id (unique).
        company: Participant key of the company (e.g. ``("company", 7)``).
        owner: Participant key of the challenge owner (e.g. ``("owner", "user", 3)``).
        score: Match score; the scheduler maximises the sum over placed pairs.
        challenge: Optional key of the challenge, for per-challenge availability windows.
    """

    id: int
    company: Hashable
    owner: Hashable
    score: float
    challenge: Hashable | None = None

    @property
    def keys(self) -> tuple[Hashable, ...]:
        base = (self.company, self.owner)
        return base if self.challenge is None else (*base, self.challenge)


@dataclass(frozen=True)
class Assignment:
    pair_id: int
    slot: int
    table: int
    fixed: bool = False


@dataclass(frozen=True)
class Unplaced:
    pair_id: int
    reason: str

    @property
    def message(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass
class ScheduleResult:
    """What :func:`schedule` returns.

    Attributes:
        assignments: Placed pairs with slot (0-based) and table (1-based), fixed ones included.
        unplaced: Pairs that got no meeting, each with a reason code (see ``REASONS``).
        objective: Sum of the scores of the placed pairs.
        status: ``"optimal"``, ``"time_limit"`` (best found) or ``"trivial"``.
        seconds: Wall time of the solve.
    """

    assignments: list[Assignment] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    objective: float = 0.0
    status: str = "trivial"
    seconds: float = 0.0

    def by_pair(self) -> dict[int, Assignment]:
        return {a.pair_id: a for a in self.assignments}


def allowed_slots(
    pair: PairInput, slots: int, availability: Mapping[Hashable, Collection[int]]
) -> list[int]:
    """Slots (0-based) inside the windows of every participant of ``pair``."""
    allowed = set(range(slots))
    for key in pair.keys:
        if key in availability:
            allowed &= set(availability[key])
    return sorted(allowed)


def schedule(
    pairs: Sequence[PairInput],
    slots: int,
    tables: int,
    *,
    availability: Mapping[Hashable, Collection[int]] | None = None,
    fixed: Mapping[int, tuple[int, int]] | None = None,
    time_limit: float = 30.0,
) -> ScheduleResult:
    """Assign pairs to (slot, table), maximising the total score of the placed pairs.

    Args:
        pairs: The accepted pairs; ids must be unique.
        slots: Number of meeting slots (numbered 0..slots-1).
        tables: Number of tables (numbered 1..tables); the capacity of every slot.
        availability: Participant (or challenge) key -> slots that key may meet in. A key that
            is missing is available in every slot.
        fixed: Pair id -> (slot, table) of meetings that must stay where they are (confirmed
            meetings). They are kept even if a window changed since.
        time_limit: Seconds HiGHS may spend; the best schedule found so far is returned.

    Returns:
        A :class:`ScheduleResult`.

    Raises:
        ValueError: On duplicate pair ids, a fixed pair that is not among ``pairs``, or a fixed
            slot/table out of range.
    """
    started = time.perf_counter()
    availability = availability or {}
    fixed = dict(fixed or {})
    by_id = {p.id: p for p in pairs}
    if len(by_id) != len(pairs):
        raise ValueError("pair ids must be unique")
    for pair_id, (slot, table) in fixed.items():
        if pair_id not in by_id:
            raise ValueError(f"fixed pair {pair_id} is not among the pairs")
        if not (0 <= slot < slots and 1 <= table <= tables):
            raise ValueError(f"fixed pair {pair_id} is outside the slots or tables")

    # Fixed meetings occupy their participants and a table before anything else is placed.
    busy: set[tuple[Hashable, int]] = set()
    used_tables: dict[int, set[int]] = defaultdict(set)
    assignments = [Assignment(pid, s, t, fixed=True) for pid, (s, t) in fixed.items()]
    for pid, (slot, table) in fixed.items():
        busy.add((by_id[pid].company, slot))
        busy.add((by_id[pid].owner, slot))
        used_tables[slot].add(table)
    free_capacity = [max(0, tables - len(used_tables[s])) for s in range(slots)]

    free_pairs = [p for p in pairs if p.id not in fixed]
    window = {p.id: allowed_slots(p, slots, availability) for p in free_pairs}
    variables: list[tuple[PairInput, int]] = [
        (p, s)
        for p in free_pairs
        for s in window[p.id]
        if free_capacity[s] > 0 and (p.company, s) not in busy and (p.owner, s) not in busy
    ]

    chosen: list[tuple[PairInput, int]] = []
    status = "trivial"
    if variables:
        chosen, status = _solve(variables, free_capacity, time_limit)

    # Tables: fixed ones stay; the others take the lowest free numbers, best pairs first.
    per_slot: dict[int, list[PairInput]] = defaultdict(list)
    for pair, slot in chosen:
        per_slot[slot].append(pair)
    for slot, placed in sorted(per_slot.items()):
        free = (t for t in range(1, tables + 1) if t not in used_tables[slot])
        for pair, table in zip(sorted(placed, key=lambda p: (-p.score, p.id)), free, strict=False):
            assignments.append(Assignment(pair.id, slot, table))
            used_tables[slot].add(table)

    placed_ids = {a.pair_id for a in assignments}
    occupied = {(by_id[a.pair_id].company, a.slot) for a in assignments} | {
        (by_id[a.pair_id].owner, a.slot) for a in assignments
    }
    unplaced = [
        Unplaced(p.id, _reason(p, window[p.id], occupied))
        for p in free_pairs
        if p.id not in placed_ids
    ]
    assignments.sort(key=lambda a: (a.slot, a.table))
    return ScheduleResult(
        assignments=assignments,
        unplaced=unplaced,
        objective=float(sum(by_id[a.pair_id].score for a in assignments)),
        status=status,
        seconds=time.perf_counter() - started,
    )


def _reason(pair: PairInput, window: list[int], occupied: set[tuple[Hashable, int]]) -> str:
    if not window:
        return UNAVAILABLE
    both_free = [
        s for s in window if (pair.company, s) not in occupied and (pair.owner, s) not in occupied
    ]
    # At an optimum a pair is only left out of a slot where both are free if the slot is full.
    return CAPACITY if both_free else BUSY


def _solve(
    variables: list[tuple[PairInput, int]], capacity: list[int], time_limit: float
) -> tuple[list[tuple[PairInput, int]], str]:
    """Solve max sum(w x) over binary x[pair, slot] with the per-pair, per-participant-slot and
    per-slot-capacity constraints; returns the chosen (pair, slot) and the solver status."""
    n = len(variables)
    weights = np.array([max(p.score, 0.0) + MIN_WEIGHT for p, _ in variables])

    rows: list[int] = []
    cols: list[int] = []
    upper: list[float] = []
    groups: dict[tuple[Any, ...], int] = {}

    def add(group: tuple[Any, ...], col: int, bound: float) -> None:
        row = groups.get(group)
        if row is None:
            row = groups[group] = len(upper)
            upper.append(bound)
        rows.append(row)
        cols.append(col)

    for col, (pair, slot) in enumerate(variables):
        add(("pair", pair.id), col, 1)
        add(("participant", pair.company, slot), col, 1)
        add(("participant", pair.owner, slot), col, 1)
        add(("slot", slot), col, capacity[slot])

    matrix = coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(upper), n)).tocsr()
    result = milp(
        c=-weights,
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper, dtype=float)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        return [], "failed"
    status = "optimal" if result.status == 0 else "time_limit"
    chosen = [variables[i] for i in np.flatnonzero(result.x > 0.5)]
    return chosen, status


def greedy_schedule(
    pairs: Sequence[PairInput],
    slots: int,
    tables: int,
    *,
    availability: Mapping[Hashable, Collection[int]] | None = None,
) -> float:
    """Baseline for the benchmark: best score first, earliest feasible slot; returns the
    objective (sum of placed scores)."""
    availability = availability or {}
    busy: set[tuple[Hashable, int]] = set()
    load = [0] * slots
    total = 0.0
    for pair in sorted(pairs, key=lambda p: (-p.score, p.id)):
        for slot in allowed_slots(pair, slots, availability):
            if load[slot] < tables and (pair.company, slot) not in busy and (
                pair.owner, slot) not in busy:
                busy.update({(pair.company, slot), (pair.owner, slot)})
                load[slot] += 1
                total += pair.score
                break
    return total
