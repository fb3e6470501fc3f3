"""Every content file matches its schema and names real fields of the plan."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from workbook.content import (
    CONTENT_ENV,
    ContentError,
    content_dirs,
    load_content,
    read_content_file,
)
from workbook.ui.forms import field_spec

FILES = sorted(content_dirs()[0].glob("*.toml"))


def as_path(key: str) -> tuple:
    parts: list = []
    for part in key.split("."):
        name, marker, _ = part.partition("[]")
        parts.append(name)
        if marker:
            parts.append(0)
    return tuple(parts)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_content_file_is_valid_and_names_real_fields(path):
    content = read_content_file(path)
    for key in [*content.questions, *content.labels, *content.choices]:
        field_spec(as_path(key))  # raises KeyError for a field that does not exist
    for key, labels in content.choices.items():
        spec = field_spec(as_path(key))
        base = spec.base
        if typing.get_origin(base) is typing.Literal:
            assert set(labels) <= {str(v) for v in typing.get_args(base)}, key
        else:
            low, high = spec.bounds
            assert {int(v) for v in labels} <= set(range(int(low), int(high) + 1)), key


def test_every_section_has_content_in_order():
    content = load_content()
    assert list(content) == [
        "deal",
        "strategy",
        "value",
        "scenarios",
        "concessions",
        "relationship",
        "discovery",
        "meeting",
        "ledger",
        "brief",
    ]
    assert all(c.guidance.strip() and c.lead.strip() for c in content.values())


def test_an_analyst_folder_adds_a_question_without_code(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(
        'key = "value"\n[[custom]]\nid = "value.budget_owner"\nprompt = "Who owns the budget?"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path))
    content = load_content()["value"]
    assert content.title == "Value proposition"
    assert [q.prompt for q in content.custom] == ["Who owns the budget?"]
    assert content.questions  # the package's own questions are kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('key = "value"\ntitle = 3\n', "title"),
        ('key = "value"\nsurprise = 1\n', "surprise: is not a field"),
        ('key = "new_section"\n', "bad.toml: there is no section 'new_section'"),
        ("key = [", "not valid TOML"),
    ],
)
def test_bad_content_is_refused_with_the_file_and_field(tmp_path, monkeypatch, text, message):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path))
    with pytest.raises(ContentError, match=re.escape(message)):
        load_content()


def test_missing_content_folder_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ContentError, match="does not exist"):
        load_content()


def test_content_is_data_not_code():
    folder = Path(content_dirs()[0])
    assert {p.suffix for p in folder.iterdir() if p.is_file()} <= {".toml", ".py"}
