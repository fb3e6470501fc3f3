"""The plain pages the server answers with instead of the app: sign-in, signed out, join
a workshop, busy. Each comes from one Jinja template with autoescaping, carries no script
and asks no other host for anything.

>>> page = plain_page("Join", paragraphs=["<b>Type</b> the code."], form=Form(
...     action="/join", submit="Join", fields=[Field("code", "Join code", required=True)]))
>>> "&lt;b&gt;Type&lt;/b&gt;" in page, 'name="code"' in page, "<script" in page
(True, True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workbook.render import render

__all__ = ["Field", "Form", "plain_page"]


@dataclass(frozen=True)
class Field:
    """One labelled input of a plain page's form."""

    name: str
    label: str
    kind: str = "text"
    attributes: Sequence[tuple[str, str]] = ()
    autofocus: bool = False
    required: bool = False


@dataclass(frozen=True)
class Form:
    """A plain page's form: hidden values, fields and the button."""

    action: str
    submit: str
    method: str = "get"
    fields: Sequence[Field] = ()
    hidden: Sequence[tuple[str, str]] = field(default_factory=tuple)


def plain_page(
    title: str,
    *,
    paragraphs: Sequence[str] = (),
    error: str = "",
    form: Form | None = None,
    link: tuple[str, str] | None = None,
    refresh: int | None = None,
) -> str:
    """The page: ``title``, paragraphs of text, an error line, a form, a link (address,
    text) and a reload after ``refresh`` seconds; every value is escaped."""
    return render(
        "plain_page.html.j2",
        title=title,
        paragraphs=paragraphs,
        error=error,
        form=form,
        link=link,
        refresh=refresh,
    )
