"""The plan model: validation, bounds, messages and migration."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from workbook import model as m
from workbook.errors import describe
from workbook.model import plan as model_plan
from workbook.store import example_plan, example_strategic_plan


def problems(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        m.Plan.model_validate(data)
    return [str(p) for p in describe(info.value)]


def test_worked_example_is_a_valid_plan_and_round_trips_through_json():
    plan = example_plan()
    again = m.load_plan(json.loads(plan.model_dump_json()))
    assert again == plan
    assert plan.side == "sell" and plan.currency == "EUR"
    assert example_strategic_plan().objectives


def test_every_field_has_a_description_and_every_number_a_bound_or_reason():
    def models(cls, seen):
        if cls in seen:
            return
        seen.add(cls)
        for name, info in cls.model_fields.items():
            assert info.description or issubclass(cls, m.Plan), f"{cls.__name__}.{name}"
            for arg in _types(info.annotation):
                if isinstance(arg, type) and issubclass(arg, m.Model):
                    models(arg, seen)

    def _types(annotation):
        import typing

        yield annotation
        for arg in typing.get_args(annotation):
            yield from _types(arg)

    seen: set = set()
    models(m.Plan, seen)
    assert len(seen) > 30


def test_range_must_be_ordered():
    assert problems(
        {
            "name": "x",
            "scenarios": {
                "moves": [
                    {
                        "name": "Cut price",
                        "estimates": [{"gain": {"low": 5, "likely": 3, "high": 9}}],
                    }
                ]
            },
        }
    ) == ["scenarios.moves[0].estimates[0].gain: low (5) must not be above likely (3)"]


def test_a_range_may_be_unfinished_but_what_is_given_is_in_order():
    assert not m.Range().finished and m.Range().low is None  # never zeros by default
    assert not m.Range(high=0.8).finished
    assert m.Range(low=1, likely=2, high=3).finished
    assert not m.MoveEstimate(gain={"low": 1, "likely": 2, "high": 3}).finished
    with pytest.raises(ValueError, match=r"low \(9\) must not be above high \(2\)"):
        m.Range(low=9, high=2)


def test_probability_outside_zero_to_one_is_refused():
    found = problems(
        {
            "name": "x",
            "scenarios": {
                "moves": [
                    {
                        "name": "M",
                        "estimates": [
                            {"cooperation_probability": {"low": 0, "likely": 0.5, "high": 1.5}}
                        ],
                    }
                ]
            },
        }
    )
    assert found == [
        "scenarios.moves[0].estimates[0].cooperation_probability.high: must be at most 1"
    ]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "12 apples", None])
def test_non_finite_or_non_numeric_amounts_are_refused(value):
    assert problems({"name": "x", "deal_value": value})[0].startswith("deal_value: must be")


def test_a_third_priority_is_refused_with_the_reason():
    found = problems(
        {"name": "x", "strategy": {"priorities": [{"text": "a"}, {"text": "b"}, {"text": "c"}]}}
    )
    assert found == ["strategy.priorities: keep it to two priorities at most: focus is the point"]


def test_unknown_fields_duplicates_and_bad_currency_are_named():
    found = problems({"name": "x", "currency": "eur", "colour": "red"})
    assert "colour: is not a field of this part of a plan" in found
    assert "currency: use a three-letter currency code in capitals, such as EUR or USD" in found
    found = problems({"name": "x", "team": [{"id": "a", "name": "Ann"}, {"id": "a", "name": "Bo"}]})
    assert found == ["two team members share the identifier 'a'"]


def test_empty_names_and_overlong_text_are_refused():
    found = problems({"name": "  ", "summary": "x" * 6000})
    assert found == ["name: cannot be empty", "summary: is too long: at most 5,000 characters"]


def test_duplicate_option_labels_and_variable_names_are_refused():
    found = problems(
        {
            "name": "x",
            "concessions": {
                "variables": [{"name": "Price", "options": [{"label": "10"}, {"label": "10"}]}]
            },
        }
    )
    assert "has two options with the same label" in found[0]
    found = problems(
        {"name": "x", "concessions": {"variables": [{"name": "Price"}, {"name": "price"}]}}
    )
    assert found == ["concessions: two variables have the same name"]


def test_plan_from_a_newer_release_is_refused_clearly():
    data = example_plan().model_dump(mode="json")
    data["schema_version"] = m.SCHEMA_VERSION + 1
    with pytest.raises(m.SchemaVersionError, match="newer release"):
        m.load_plan(data)
    with pytest.raises(m.SchemaVersionError, match="whole number"):
        m.load_plan({**data, "schema_version": "2"})


def test_older_plans_are_migrated_step_by_step(monkeypatch):
    calls = []

    def one_to_two(data):
        calls.append(data["schema_version"])
        data["summary"] = (data.get("summary") or "") + " (migrated)"
        data.pop("legacy_notes", None)
        return data

    monkeypatch.setattr(model_plan, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(model_plan, "MIGRATIONS", {1: one_to_two})
    plan = m.load_plan(
        {
            "schema_version": 1,
            "name": "Old",
            "summary": "s",
            "legacy_notes": "dropped by the migration",
        }
    )
    assert calls == [1]
    assert plan.schema_version == 2 and plan.summary == "s (migrated)"


def test_plan_without_version_counts_as_version_one():
    assert m.load_plan({"name": "Bare"}).schema_version == m.SCHEMA_VERSION


def test_tables_are_dataframes_with_plain_columns():
    plan = example_plan()
    tables = plan.tables()
    assert {"moves", "estimates", "options", "ledger", "players"} <= set(tables)
    options = plan.concessions.to_frame()
    assert list(options.columns[:5]) == [
        "variable_id",
        "variable",
        "on_agenda",
        "option_id",
        "option",
    ]
    price = options[options.option == "EUR 49.90"].iloc[0]
    assert price.ours == pytest.approx(40 * 70 / 100)
    estimates = plan.scenarios.to_frame()
    assert set(estimates.quantity) == {
        "gain",
        "cooperation_probability",
        "cooperation_value",
        "retaliation_probability",
        "retaliation_damage",
    }
    ledger = plan.ledger.to_frame()
    assert list(ledger.direction) == ["given", "received", "given", "received", "given"]
    empty = m.Plan(name="Empty").tables()
    assert all(len(frame) == 0 for frame in empty.values())
    assert "name" in empty["team"].columns
