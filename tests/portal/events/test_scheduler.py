"""The pure scheduler: constraints, optimality against brute force, unplaced reasons."""

import itertools
import random
from collections import Counter

import pytest

from portal.services.scheduler import (
    BUSY,
    CAPACITY,
    UNAVAILABLE,
    PairInput,
    greedy_schedule,
    schedule,
)


def pair(pid, company, owner, score=0.5, challenge=None):
    return PairInput(id=pid, company=("company", company), owner=("owner", owner), score=score,
                     challenge=("challenge", challenge) if challenge is not None else None)


def assert_feasible(pairs, result, slots, tables, availability=None):
    by_id = {p.id: p for p in pairs}
    availability = availability or {}
    seen = Counter()
    for a in result.assignments:
        p = by_id[a.pair_id]
        assert 0 <= a.slot < slots and 1 <= a.table <= tables
        seen[(p.company, a.slot)] += 1
        seen[(p.owner, a.slot)] += 1
        seen[("table", a.slot, a.table)] += 1
        if not a.fixed:
            for key in p.keys:
                if key in availability:
                    assert a.slot in availability[key]
    assert max(seen.values(), default=0) <= 1
    per_slot = Counter(a.slot for a in result.assignments)
    assert max(per_slot.values(), default=0) <= tables
    assert len({a.pair_id for a in result.assignments}) == len(result.assignments)
    placed = {a.pair_id for a in result.assignments}
    assert placed | {u.pair_id for u in result.unplaced} == set(by_id)
    assert not placed & {u.pair_id for u in result.unplaced}


def test_no_double_booking_of_company_or_owner():
    pairs = [pair(1, "a", "x", 0.9), pair(2, "a", "y", 0.8), pair(3, "b", "x", 0.7),
             pair(4, "b", "y", 0.6)]
    result = schedule(pairs, slots=2, tables=5)
    assert_feasible(pairs, result, 2, 5)
    assert len(result.assignments) == 4
    assert result.objective == pytest.approx(3.0)


def test_owner_with_several_challenges_is_one_person():
    # One unit owns two challenges: its two meetings may not share a slot.
    pairs = [pair(1, "a", "unit", 0.9, challenge=1), pair(2, "b", "unit", 0.9, challenge=2)]
    result = schedule(pairs, slots=1, tables=5)
    assert len(result.assignments) == 1
    assert result.unplaced[0].reason == BUSY


def test_table_capacity_per_slot():
    pairs = [pair(i, f"c{i}", f"o{i}", 0.5) for i in range(1, 6)]
    result = schedule(pairs, slots=2, tables=2)
    assert_feasible(pairs, result, 2, 2)
    assert len(result.assignments) == 4
    assert [u.reason for u in result.unplaced] == [CAPACITY]


def test_availability_windows_are_respected():
    pairs = [pair(1, "a", "x", 0.9), pair(2, "b", "y", 0.9, challenge=7)]
    availability = {("company", "a"): [2], ("challenge", 7): [0, 1]}
    result = schedule(pairs, slots=3, tables=1, availability=availability)
    assert_feasible(pairs, result, 3, 1, availability)
    slots = {a.pair_id: a.slot for a in result.assignments}
    assert slots[1] == 2
    assert slots[2] in (0, 1)


def test_disjoint_windows_mean_unavailable():
    pairs = [pair(1, "a", "x", 0.9)]
    availability = {("company", "a"): [0], ("owner", "x"): [1]}
    result = schedule(pairs, slots=2, tables=1, availability=availability)
    assert result.assignments == []
    assert result.unplaced[0].reason == UNAVAILABLE
    assert "not available" in result.unplaced[0].message


def test_fixed_meetings_keep_slot_and_table():
    pairs = [pair(1, "a", "x", 0.1), pair(2, "a", "y", 0.9), pair(3, "b", "x", 0.9)]
    # Pair 1 is confirmed in slot 0 at table 2, even though it scores lowest and its
    # participants' window would now exclude it.
    result = schedule(pairs, slots=2, tables=2, fixed={1: (0, 2)},
                      availability={("company", "a"): [1]})
    by_pair = result.by_pair()
    assert (by_pair[1].slot, by_pair[1].table, by_pair[1].fixed) == (0, 2, True)
    assert by_pair[2].slot == 1
    assert by_pair[3].slot == 1
    assert_feasible(pairs, result, 2, 2)


def test_fixed_tables_are_not_reused():
    pairs = [pair(1, "a", "x", 0.5), pair(2, "b", "y", 0.9)]
    result = schedule(pairs, slots=1, tables=2, fixed={1: (0, 1)})
    assert result.by_pair()[2].table == 2


def test_invalid_input_is_refused():
    with pytest.raises(ValueError):
        schedule([pair(1, "a", "x"), pair(1, "b", "y")], slots=1, tables=1)
    with pytest.raises(ValueError):
        schedule([pair(1, "a", "x")], slots=1, tables=1, fixed={2: (0, 1)})
    with pytest.raises(ValueError):
        schedule([pair(1, "a", "x")], slots=1, tables=1, fixed={1: (3, 1)})


def test_zero_score_pairs_are_still_placed():
    result = schedule([pair(1, "a", "x", 0.0)], slots=1, tables=1)
    assert len(result.assignments) == 1


def brute_force(pairs, slots, tables, availability):
    """Best objective over every assignment of each pair to a slot or to nothing."""
    options = []
    for p in pairs:
        allowed = set(range(slots))
        for key in p.keys:
            if key in availability:
                allowed &= set(availability[key])
        options.append([None, *sorted(allowed)])
    best = 0.0
    for choice in itertools.product(*options):
        used = Counter()
        ok = True
        for p, slot in zip(pairs, choice, strict=True):
            if slot is None:
                continue
            for key in ((p.company, slot), (p.owner, slot), ("slot", slot)):
                used[key] += 1
            if used[(p.company, slot)] > 1 or used[(p.owner, slot)] > 1 or (
                    used[("slot", slot)] > tables):
                ok = False
                break
        if ok:
            best = max(best, sum(p.score for p, s in zip(pairs, choice, strict=True)
                                 if s is not None))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    slots, tables = 3, 2
    pairs = []
    for pid in range(1, rng.randint(2, 6) + 1):
        pairs.append(pair(pid, rng.choice("abc"), rng.choice("xyz"),
                          round(rng.uniform(0.05, 1.0), 3)))
    availability = {}
    for key in rng.sample([("company", c) for c in "abc"] + [("owner", o) for o in "xyz"], 2):
        availability[key] = rng.sample(range(slots), rng.randint(0, 2))
    result = schedule(pairs, slots, tables, availability=availability)
    assert_feasible(pairs, result, slots, tables, availability)
    assert result.objective == pytest.approx(brute_force(pairs, slots, tables, availability),
                                             abs=1e-6)
    assert result.objective >= greedy_schedule(pairs, slots, tables,
                                               availability=availability) - 1e-9


def test_beats_greedy_when_greedy_blocks():
    # Greedy takes the best pair (a, x) first, which blocks both (a, y) and (b, x); the
    # optimum drops it and holds two meetings instead.
    pairs = [pair(1, "a", "x", 1.0), pair(2, "a", "y", 0.9), pair(3, "b", "x", 0.9)]
    result = schedule(pairs, slots=1, tables=2)
    assert result.objective == pytest.approx(1.8)
    assert {a.pair_id for a in result.assignments} == {2, 3}
    assert greedy_schedule(pairs, 1, 2) == pytest.approx(1.0)
