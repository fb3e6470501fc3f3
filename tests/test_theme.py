"""One palette: every colour of the app, the charts, the brief and the workshop comes from
workbook.theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbook import theme

PACKAGE = Path(theme.__file__).resolve().parent
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
NAMED = re.compile(r"""(?:color|colou?r=|background|fill|stroke)\W{0,3}\s*['"]?white\b""")


def sources() -> list[Path]:
    """The package's code, templates and styles (not its data)."""
    found = [
        p
        for ext in ("*.py", "*.css", "*.j2")
        for p in PACKAGE.rglob(ext)
        if "data" not in p.relative_to(PACKAGE).parts
    ]
    return sorted(p for p in found if p.name != "theme.py")


def test_no_colour_is_written_outside_the_theme():
    found = []
    for path in sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("  # ")[0]
            if "segno" in code or "dark=" in code:  # the QR code: black on white, always
                continue
            for hit in HEX.findall(code) + NAMED.findall(code):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {hit}")
    assert found == []


def test_charts_take_the_theme_colours():
    from workbook.charts import TEMPLATE
    from workbook.charts.svg import COLORWAY as SVG_COLORWAY

    layout = TEMPLATE.layout
    assert list(layout.colorway) == list(theme.COLORWAY) == list(SVG_COLORWAY)
    assert layout.font.color == theme.PALETTE["ink"]
    assert layout.xaxis.gridcolor == theme.PALETTE["grid"]


def test_the_app_brief_and_plain_pages_define_the_variables_they_use():
    from workbook.brief_html import stylesheet
    from workbook.pages import plain_page
    from workbook.ui.style import COLORS, STYLESHEET

    for css in (STYLESHEET, stylesheet(), plain_page("Hello")):
        used = set(re.findall(r"var\(--nw-([a-z-]+)", css))
        defined = set(re.findall(r"--nw-([a-z-]+):", css))
        assert used <= defined, used - defined
        assert f"--nw-ink:{theme.PALETTE['ink']};" in css
    assert COLORS["muted"] == f"var(--nw-muted, {theme.PALETTE['muted']})"


def test_the_dark_projector_redefines_the_variables():
    from workbook.ui.workshop.kit import PROJECTOR_CSS

    assert f"--nw-ink:{theme.DARK['ink']};" in PROJECTOR_CSS
    assert f"--nw-page:{theme.DARK['page']};" in PROJECTOR_CSS


@pytest.mark.parametrize("name", sorted(theme.PALETTE))
def test_xlsx_colours_are_the_palette(name):
    assert f"#{theme.xlsx(name)}".lower() == theme.PALETTE[name].lower()


def test_the_xlsx_brief_fills_its_headers_from_the_palette():
    from workbook.brief_xlsx import HEADER_FILL

    assert theme.xlsx("header") == HEADER_FILL
