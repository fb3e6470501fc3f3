"""HTML from Jinja templates with autoescaping, and the one escape for text put into HTML
by hand.

Every page, card and form larger than a line is a template in ``workbook/templates``,
rendered by one environment: autoescaping on, unknown names an error, and the palette at
hand as ``color(name)`` (a CSS variable with its fallback, :func:`workbook.theme.var`) and
``theme_css`` (the variables' declarations), and ``|whole`` for an amount in whole units
with thousands marked.

>>> render_macro("workshop.html.j2", "note", text="<b>Hi</b>")  # doctest: +ELLIPSIS
'<div style="color:var(--nw-muted, ...);...">&lt;b&gt;Hi&lt;/b&gt;</div>'
>>> escape("Tom & <Jerry>")
'Tom &amp; &lt;Jerry&gt;'
"""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING, Any

from workbook.theme import PALETTE, css_variables, var

if TYPE_CHECKING:
    import jinja2

__all__ = ["environment", "escape", "render", "render_macro"]


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the package's templates (Jinja is imported here, so
    that :func:`escape` costs nothing more than the standard library)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbook", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(color=var, palette=PALETTE, theme_css=css_variables())
    env.filters["whole"] = "{:,.0f}".format  # an amount as a whole number, thousands marked
    return env


def render(name: str, **values: Any) -> str:
    """The template ``name`` rendered with ``values``; every value is escaped unless it
    is :class:`markupsafe.Markup`."""
    return environment().get_template(name).render(**values)


def render_macro(name: str, macro: str, /, **values: Any) -> str:
    """The macro ``macro`` of the template ``name``, called with ``values`` (escaped)."""
    return str(getattr(environment().get_template(name).module, macro)(**values))


def escape(text: object, *, quote: bool = True) -> str:
    """``text`` as HTML text: ``& < >`` (and quotes, unless ``quote`` is false) escaped."""
    return html.escape(str(text), quote=quote)
