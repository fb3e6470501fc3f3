"""Questions, labels and guidance for every section, read from the TOML files beside this module.

The files are data, not code: an analyst adds a question or rewrites guidance by editing a
file here, or by pointing ``NEGOTIATION_WORKBOOK_CONTENT`` at a folder of extra TOML files
(separated by the path separator). Every file is checked against :class:`SectionContent`.

>>> content = load_content()
>>> content["strategy"].title
'Strategy alignment'
"""

from __future__ import annotations

import functools
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from workbook.content.layout import Block, LayoutError, NameKind, check_blocks, check_names
from workbook.errors import WorkbookError, describe
from workbook.paths import CUSTOM
from workbook.sections import SECTIONS, check_sections

CONTENT_ENV = "NEGOTIATION_WORKBOOK_CONTENT"

Text = Annotated[str, StringConstraints(max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


AdviceName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,60}$")]


class Question(_Strict):
    """A question beside a field: what to ask, and a short hint."""

    prompt: Text = Field(description="The question as the team reads it.")
    help: Text = Field("", description="A short hint shown under the question.")
    placeholder: Annotated[str, StringConstraints(max_length=200)] = Field(
        "", description="Example text shown in an empty field."
    )


class CustomQuestion(Question):
    """A question added in a content file; its answer is kept in ``plan.custom_answers``."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{1,80}$")] = Field(
        description="Key of the answer in plan.custom_answers."
    )


class SectionContent(_Strict):
    """Everything a section says: title, lead, guidance, questions, labels and choices."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    title: Annotated[str, StringConstraints(max_length=80)] = Field(
        "", description="The section's name; files that only add questions may leave it out."
    )
    number: int = Field(
        0, ge=0, le=20, description="Position in the navigation, set from workbook.sections."
    )
    lead: Text = Field("", description="One sentence under the title.")
    guidance: Text = Field("", description="The guidance panel: paragraphs and '- ' bullets.")
    questions: dict[str, Question] = Field(default_factory=dict)
    labels: dict[str, Annotated[str, StringConstraints(max_length=120)]] = Field(
        default_factory=dict, description="Short labels for table columns, by field path."
    )
    choices: dict[str, dict[str, Annotated[str, StringConstraints(max_length=120)]]] = Field(
        default_factory=dict, description="Labels for the values of a choice field."
    )
    custom: list[CustomQuestion] = Field(
        default_factory=list, description="Questions added by analysts."
    )
    advice: dict[AdviceName, Text] = Field(
        default_factory=dict,
        description="What the analysis says (flags, checks, verdicts), by code, with "
        "{param} placeholders in Python's format syntax.",
    )
    layout: list[Block] = Field(
        default_factory=list,
        description="The section's page, block by block (workbook.content.layout); a file "
        "that gives a layout replaces the layout of the files read before it.",
    )
    layout_file: str = Field("", description="The file the layout was read from.")

    def question(self, path: str) -> Question | None:
        """The question for a field path such as ``strategy.strengths`` (a custom question's
        path is ``custom_answers.<id>``)."""
        found = self.questions.get(path)
        if found is None and path.startswith(CUSTOM + "."):
            key = path[len(CUSTOM) + 1 :]
            found = next((q for q in self.custom if q.id == key), None)
        return found

    def label(self, path: str, default: str) -> str:
        """The column label for a field path, or ``default``."""
        return self.labels.get(path, default)

    def choice_labels(self, path: str) -> dict[str, str]:
        """Labels for the values of a choice field."""
        return self.choices.get(path, {})


class WorkshopContent(SectionContent):
    """What the workshop mode says to the facilitator, the participants and the room."""

    participant: Text = Field("", description="Shown to participants above their questions.")
    waiting: Text = Field("", description="Shown to participants while no question is open.")
    hidden: Text = Field("", description="Says that answers stay private until revealed.")
    ended: Text = Field("", description="Shown to participants once the session has ended.")
    nearly: Text = Field("", description="The timer's note when time is nearly up.")
    time_up: Text = Field("", description="The timer's gentle note when time is up.")
    prompts: dict[Literal["estimate", "values", "priorities"], Question] = Field(
        default_factory=dict, description="The question participants answer, per prompt kind."
    )
    agenda_questions: dict[str, Text] = Field(
        default_factory=dict, description="The question put to the room, per agenda section."
    )


class ContentError(WorkbookError):
    """A content file is not valid."""


S = TypeVar("S", bound=SectionContent)


def content_dirs() -> list[Path]:
    """The folders read, in order: the package's own, then those named in the environment."""
    dirs = [Path(str(resources.files("workbook.content")))]
    extra = os.environ.get(CONTENT_ENV, "")
    dirs += [Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip()]
    return dirs


def read_content_file(path: Path, schema: type[S] = SectionContent) -> S:  # type: ignore[assignment]
    """Read and check one content file against ``schema``; its layout blocks are checked
    against the plan model, and a bad one is named by its number."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML: {exc}") from None
    blocks = data.get("layout", [])
    if isinstance(blocks, list):
        for number, block in enumerate(blocks, 1):
            try:
                Block.model_validate(block)
            except ValidationError as exc:
                problems = "; ".join(str(p) for p in describe(exc))
                raise ContentError(f"{path.name}: layout block {number}: {problems}") from None
    try:
        content = schema.model_validate(data)
        check_blocks(content.layout)
    except ValidationError as exc:
        problems = "; ".join(str(p) for p in describe(exc))
        raise ContentError(f"{path.name}: {problems}") from None
    except LayoutError as exc:
        raise ContentError(f"{path.name}: {exc}") from None
    if content.layout:
        content = content.model_copy(update={"layout_file": path.name})
    return content


def check_layout_names(sections: dict[str, SectionContent], known: dict[NameKind, Any]) -> None:
    """Refuse a layout that uses a panel, editor, choice list or row hook not in ``known``
    (the UI's registry), naming the file and the block."""
    for content in sections.values():
        try:
            check_names(content.layout, known)
        except LayoutError as exc:
            raise ContentError(f"{content.layout_file or content.key + '.toml'}: {exc}") from None


def merge(base: SectionContent, extra: SectionContent) -> SectionContent:
    """Content of ``extra`` laid over ``base``: its questions, labels and custom questions win."""
    data = base.model_dump()
    more = extra.model_dump(exclude_unset=True, exclude_defaults=True)
    for key in ("questions", "labels", "choices", "advice"):
        data[key].update(more.pop(key, {}))
    custom = {q["id"]: q for q in data["custom"]}
    custom.update({q["id"]: q for q in more.pop("custom", [])})
    data["custom"] = list(custom.values())
    more.pop("key", None)
    data.update(more)
    return SectionContent.model_validate(data)


@functools.cache
def _load(dirs: tuple[Path, ...]) -> dict[str, SectionContent]:
    sections: dict[str, SectionContent] = {}
    numbers = {s.key: s.number for s in SECTIONS}
    for folder in dirs:
        if not folder.is_dir():
            raise ContentError(f"content folder {folder} does not exist")
        for path in sorted(folder.glob("*.toml")):
            content: SectionContent = read_content_file(path)
            if content.key not in numbers:
                raise ContentError(
                    f"{path.name}: there is no section {content.key!r}; the sections are "
                    f"{', '.join(numbers)} (workbook/sections.py lists them)"
                )
            old = sections.get(content.key)
            sections[content.key] = merge(old, content) if old else content
    untitled = [key for key in numbers if not (key in sections and sections[key].title.strip())]
    if untitled:
        raise ContentError(f"no file gives a title to the section(s): {', '.join(untitled)}")
    check_sections(SECTIONS, sections)
    return {
        key: sections[key].model_copy(update={"number": number}) for key, number in numbers.items()
    }


def load_content() -> dict[str, SectionContent]:
    """Every section's content, in navigation order (:data:`workbook.sections.SECTIONS`),
    keyed by section key."""
    return _load(tuple(content_dirs()))


def choice_labels(path: str) -> dict[str, str]:
    """The labels the app shows for the values of the choice field at ``path``, any section."""
    for section in load_content().values():
        labels = section.choice_labels(path)
        if labels:
            return labels
    return {}


class AdviceError(ContentError):
    """An advice code has no text in the content, or its text asks for a missing value."""


def advice(code: str, /, **params: object) -> str:
    """The content's text for the advice ``code`` ("section.name"), filled with ``params``.

    >>> advice("value.no_proof")
    'a claim without a proof point is an opinion'
    """
    section, _, name = code.partition(".")
    content = load_content().get(section)
    text = content.advice.get(name) if content is not None else None
    if text is None:
        raise AdviceError(f"no advice text for {code!r}: add {name} to [advice] of {section}")
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError) as exc:
        raise AdviceError(f"the advice text for {code!r} cannot be filled: {exc}") from None


def advice_codes() -> set[str]:
    """Every advice code the content has a text for."""
    return {f"{key}.{name}" for key, c in load_content().items() for name in c.advice}


WORKSHOP_FILE = Path("workshop") / "workshop.toml"
"""The workshop mode's content, in a folder of its own: it is not a section of the plan."""


@functools.cache
def load_workshop_content() -> WorkshopContent:
    """The texts of the workshop mode (facilitator panel, participant view, projector)."""
    return read_content_file(content_dirs()[0] / WORKSHOP_FILE, WorkshopContent)
