"""Merging two edits of one plan: by value, by row identity, always a valid plan."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from workbook.merge import (
    MISSING,
    RowKey,
    index_path,
    is_rows,
    key_path,
    leaf_changes,
    merge3,
    merge_models,
    value_at,
)
from workbook.model import Plan
from workbook.store import example_plan

EXAMPLE = example_plan()


def test_values_only_one_side_changed_are_taken_from_that_side():
    result = merge3({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 1, "c": 1}, {"a": 1, "b": 3, "c": 1})
    assert result.data == {"a": 2, "b": 3, "c": 1} and result.clashes == []


def test_the_same_value_changed_twice_is_the_only_clash_and_mine_is_kept():
    result = merge3({"a": 1, "b": 1}, {"a": 2, "b": 5}, {"a": 3, "b": 5})
    assert result.data == {"a": 2, "b": 5}
    assert [(c.path, c.mine, c.theirs) for c in result.clashes] == [(("a",), 2, 3)]


def test_rows_are_matched_by_id_not_by_position():
    base = [{"id": "x", "v": 1}, {"id": "y", "v": 1}]
    mine = [{"id": "n", "v": 0}, {"id": "x", "v": 1}, {"id": "y", "v": 2}]  # added at the top
    theirs = [{"id": "x", "v": 9}, {"id": "y", "v": 1}, {"id": "t", "v": 7}]
    result = merge3(base, mine, theirs)
    assert result.data == [
        {"id": "n", "v": 0},
        {"id": "x", "v": 9},
        {"id": "y", "v": 2},
        {"id": "t", "v": 7},
    ]
    assert result.clashes == []


def test_a_row_removed_on_one_side_and_changed_on_the_other_is_kept_and_reported():
    base = [{"id": "x", "v": 1}]
    result = merge3(base, [], [{"id": "x", "v": 2}])
    assert result.data == [{"id": "x", "v": 2}]
    assert [(c.path, c.mine) for c in result.clashes] == [((RowKey("x"),), MISSING)]


def test_key_paths_name_rows_by_id_and_find_them_again_after_a_move():
    data = {"t": [{"id": "a", "v": 1}, {"id": "b", "v": 2}]}
    path = key_path(data, ("t", 1, "v"))
    assert path == ("t", RowKey("b"), "v")
    moved = {"t": [{"id": "b", "v": 2}, {"id": "a", "v": 1}]}
    assert index_path(moved, path) == ("t", 0, "v") and value_at(moved, path) == 2
    assert index_path({"t": []}, path) is None


def test_plans_that_break_a_rule_together_merge_into_a_valid_plan():
    gain = ("scenarios", "moves", 0, "estimates", 0, "gain")
    data = EXAMPLE.model_dump()
    likely = value_at(data, (*gain, "likely"))
    mine = _with(EXAMPLE, (*gain, "low"), likely - 5_000)
    theirs = _with(EXAMPLE, (*gain, "likely"), likely - 10_000)
    result = merge_models(EXAMPLE, mine, theirs)
    assert isinstance(result.model, Plan) and not result.combined
    assert result.model.scenarios.moves[0].estimates[0].gain.low == likely - 5_000
    assert [c.theirs for c in result.clashes] == [likely - 10_000]


def _with(plan: Plan, path: tuple, value: Any) -> Plan:
    data = plan.model_dump()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return Plan.model_validate(data)


# --- the property: no edit is lost unless both changed the same value ----------------------


def _leaves(data: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(data, list) and is_rows(data):
        out = [(path, data)]
        for i, row in enumerate(data):
            out += _leaves(row, (*path, i))
        return out
    return [(path, data)]


LEAVES = [
    (p, v)
    for p, v in _leaves(EXAMPLE.model_dump())
    if p and p[-1] != "id" and isinstance(v, (str, int, float, list)) and not isinstance(v, bool)
]


@st.composite
def edits(draw: Any, plan: Plan) -> Plan:
    """A plan after a few random edits, each of which keeps it valid."""
    data = plan.model_dump()
    for _ in range(draw(st.integers(1, 5))):
        path, _old = draw(st.sampled_from(LEAVES))
        try:
            current = value_at(data, path)
        except Exception:
            continue
        if current is MISSING:
            continue
        candidate = _edit(draw, current)
        if candidate is MISSING:
            continue
        trial = _put(data, path, candidate)
        try:
            Plan.model_validate(trial)
        except (ValidationError, ValueError):
            continue
        data = trial
    return Plan.model_validate(data)


def _edit(draw: Any, current: Any) -> Any:
    if isinstance(current, list) and is_rows(current):
        if current and draw(st.booleans()):
            drop = draw(st.integers(0, len(current) - 1))
            return current[:drop] + current[drop + 1 :]
        if not current:
            return MISSING
        copy = dict(draw(st.sampled_from(current)))
        copy["id"] = draw(st.text("abcdef0123456789", min_size=12, max_size=12))
        return [*current, copy]
    if isinstance(current, str):
        return draw(st.text("abcxyz ", min_size=1, max_size=12)).strip() or "t"
    if isinstance(current, (int, float)):
        return type(current)(current * draw(st.sampled_from([0, 0.5, 2, 3])))
    return MISSING


def _put(data: Any, path: tuple, value: Any) -> Any:
    import copy

    out = copy.deepcopy(data)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[: len(b)] == b or b[: len(a)] == a


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_edit_is_lost_unless_both_changed_the_same_value(data):
    base = data.draw(edits(EXAMPLE)) if data.draw(st.booleans()) else EXAMPLE
    mine, theirs = data.draw(edits(base)), data.draw(edits(base))
    result = merge_models(base, mine, theirs)
    merged = Plan.model_validate(result.model.model_dump())  # always a valid plan
    b, m, t, out = (x.model_dump() for x in (base, mine, theirs, merged))
    mine_changes, theirs_changes = leaf_changes(b, m), leaf_changes(b, t)
    both = [
        p for p in mine_changes for q in theirs_changes if _overlaps(p, q)
    ]  # values both sides touched
    for clash in result.clashes:
        assert any(_overlaps(clash.path, p) for p in both), clash
    for changes in (mine_changes, theirs_changes):
        for path, (_before, after) in changes.items():
            if any(_overlaps(path, p) for p in both):
                continue
            assert value_at(out, path) == after, path


def test_plan_diff_names_each_change_by_field_and_row():
    import workbook

    data = EXAMPLE.model_dump()
    data["concessions"]["positions"]["ours"]["reservation"] = 3_500_000
    data["team"][0]["role"] = "Lead negotiator"
    added = dict(data["team"][1], id="tm-new", name="Ines Duarte")
    data["team"].append(added)
    del data["team"][1]
    new = Plan.model_validate(data)
    frame = workbook.plan_diff(EXAMPLE, new)
    rows = {(r.field, r.row, r.change): (r.before, r.after) for r in frame.itertuples()}
    old_reservation = EXAMPLE.concessions.positions.ours.reservation
    assert rows[("concessions.positions.ours.reservation", "", "changed")] == (
        old_reservation,
        3_500_000,
    )
    assert rows[("team.role", EXAMPLE.team[0].name, "changed")] == (
        "Account lead",
        "Lead negotiator",
    )
    assert ("team", "Ines Duarte", "added") in rows
    assert ("team", EXAMPLE.team[1].name, "removed") in rows
    assert len(frame) == 4
    assert workbook.plan_diff(EXAMPLE, EXAMPLE).empty
