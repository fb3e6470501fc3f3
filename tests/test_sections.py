"""The list of sections agrees with the model, the content files and every list built from it."""

from __future__ import annotations

import dataclasses
import re
import typing

import pytest

from workbook import sections
from workbook.analysis.completion import CHECKS, completion
from workbook.brief import PARTS, brief_parts
from workbook.content import content_dirs, load_content, read_content_file
from workbook.model import SECTION_KEYS, Plan, SectionKey
from workbook.sections import SECTIONS, Section, SectionError, check_sections
from workbook.store import example_plan
from workbook.tables import plan_tables
from workbook.ui.views import SectionView, view_class
from workbook.workshop import SECTION_OF


def test_the_model_the_content_files_and_the_registry_name_the_same_sections():
    on_disk = {read_content_file(p).key for p in content_dirs()[0].glob("*.toml")}
    registry = {s.key for s in SECTIONS}
    assert on_disk == registry
    assert list(load_content()) == [s.key for s in SECTIONS]
    assert (
        set(typing.get_args(SectionKey))
        == set(SECTION_KEYS)
        == {s.key for s in SECTIONS if s.agenda}
    )
    plan_parts = {name for name, f in Plan.model_fields.items() if f.default_factory}
    assert {s.attribute for s in SECTIONS if s.attribute} <= plan_parts
    assert [s.number for s in SECTIONS] == sorted({s.number for s in SECTIONS})


def test_a_section_added_to_the_registry_alone_is_refused_with_a_clear_message():
    pricing = Section("pricing", 8, "pricing", checks=(("Set a price", lambda p: True),))
    with pytest.raises(SectionError) as refused:
        check_sections((*SECTIONS, pricing))
    message = str(refused.value)
    assert "section 'pricing' keeps its answers in Plan.pricing" in message
    assert "add a field `pricing` to Plan in workbook/model/plan.py" in message
    assert "SectionKey in workbook/model/fields.py does not list it" in message
    with pytest.raises(SectionError, match=re.escape("'pricing' has no content")):
        check_sections((*SECTIONS, dataclasses.replace(pricing, attribute="value")), load_content())


def test_content_for_no_section_and_a_section_without_content_are_refused():
    content = dict(load_content())
    content["pricing"] = content.pop("ledger")
    with pytest.raises(SectionError) as refused:
        check_sections(SECTIONS, content)
    assert "section 'ledger' has no content" in str(refused.value)
    assert "content is given for 'pricing', which is no section" in str(refused.value)


def test_every_list_of_sections_is_built_from_the_registry():
    plan = example_plan()
    assert list(CHECKS) == [s.key for s in SECTIONS if s.checks]
    assert list(completion(plan)) == [s.key for s in SECTIONS if s.checks] + ["brief"]
    named = [s.brief_part for s in SECTIONS if s.brief_part]
    assert [p.__name__ for p in PARTS[: len(named)]] == named
    assert len(brief_parts(plan)) == len(PARTS)
    assert list(plan_tables(plan)) == [t for s in SECTIONS for t in s.tables] + list(
        sections.WORKSHOP_TABLES
    )
    assert {SECTION_OF[k] for k in SECTION_OF} == {s.key for s in SECTIONS if s.prompts}
    for entry in SECTIONS:
        assert issubclass(view_class(entry.key), SectionView)


def test_a_section_is_looked_up_by_key_and_an_unknown_key_is_named():
    assert sections.section("value").number == 2
    with pytest.raises(SectionError, match="there is no section 'pricing'; the sections are deal"):
        sections.section("pricing")
