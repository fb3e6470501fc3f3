"""Exports for people: the format from the file name, the xlsx for a finance lead, the
Markdown escaped for Markdown, a small offline HTML page with static charts, and the
brief's wording."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from tests.helpers import XSS, poison
from workbook import model as m
from workbook.analysis.concessions import trade_currency
from workbook.analysis.value import value_totals
from workbook.brief import (
    Chart,
    Warnings,
    brief_html,
    brief_markdown,
    brief_parts,
    clause,
    export_brief,
    export_format,
)
from workbook.brief_md import md
from workbook.charts.svg import figure_svg
from workbook.cli import main
from workbook.content import choice_labels
from workbook.store import PlanStore, example_plan

# --- 16: the format follows the file -------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "plans.sqlite"
    with PlanStore(path) as store:
        store.ensure_example()
    return path


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("brief.html", b"<!DOCTYPE html>"),
        ("brief.HTM", b"<!DOCTYPE html>"),
        ("brief.md", b"# Northwind"),
        ("brief.xlsx", b"PK"),
        ("plan.json", b"{"),
    ],
)
def test_export_writes_the_format_its_file_name_says(db, tmp_path, name, starts):
    out = tmp_path / name
    assert main(["export", "example-northwind", "-o", str(out), "--db", str(db)]) == 0
    assert out.read_bytes().startswith(starts)


@pytest.mark.parametrize(
    ("name", "fmt", "words"),
    [
        ("brief.md", "xlsx", ["'brief.md' names the md format", "--format says xlsx"]),
        ("brief.html", "json", ["'brief.html' names the html format", "--format says json"]),
        ("brief.txt", None, ["cannot tell the format from 'brief.txt'", "--format"]),
        ("brief", None, ["cannot tell the format from 'brief'"]),
    ],
)
def test_a_file_name_and_format_that_disagree_are_refused_in_one_line(
    db, tmp_path, capsys, name, fmt, words
):
    out = tmp_path / name
    args = ["export", "example-northwind", "-o", str(out), "--db", str(db)]
    assert main(args + (["--format", fmt] if fmt else [])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("negotiation-workbook: ")
    assert all(w in err for w in words) and "Traceback" not in err
    assert not out.exists()


def test_format_wins_over_an_extension_that_names_none(db, tmp_path):
    out = tmp_path / "brief.txt"
    args = ["export", "example-northwind", "-o", str(out), "--format", "md", "--db", str(db)]
    assert main(args) == 0
    assert out.read_text().startswith("# Northwind")
    assert export_format("brief.MD", "md") == "md" and export_format(None, None) == "json"


# --- 17: the xlsx for a finance lead -------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return load_workbook(io.BytesIO(export_brief(example_plan(), "xlsx")))


def test_xlsx_opens_on_the_briefs_summary_with_numbers_as_numbers(book):
    assert book.sheetnames[0] == "Summary"
    summary = book["Summary"]
    cells = {c.value: c for row in summary.iter_rows() for c in row if c.value is not None}
    assert summary["A1"].value.startswith("Northwind Logistics")
    for title in ("The deal", "Strategic fit", "Moves and their risks", "Open questions"):
        assert title in cells
    row = cells["Benefits per year"].row
    amount = summary.cell(row=row, column=2)
    annual = value_totals(example_plan().value).annual
    assert amount.value == pytest.approx(annual) and '"EUR"' in amount.number_format
    moves = cells["Chance of a loss"]
    share = summary.cell(row=moves.row + 1, column=moves.column)
    assert 0 < share.value < 1 and share.number_format == "0%"
    assert any(str(v).startswith("⚠ Warning: Unanswered in the ledger") for v in cells)


def test_xlsx_sheets_read_like_a_report(book):
    ids = re.compile(r"^(tm|st|pr|co|obj|ju|an|pa|di|dr|vi|fr|cp|mv|va|op|sp|li|pl|rc|ds|lg)-")
    for sheet in book.worksheets[1:]:
        assert "_" not in sheet.title and sheet.freeze_panes == "A2", sheet.title
        headers = [c.value for c in sheet[1]]
        assert all(h and "_" not in h and h[0].isupper() for h in headers), (sheet.title, headers)
        assert "Id" not in headers and not any(h.endswith(" id") for h in headers)
        assert len(set(headers)) == len(headers) and not any(
            "(" in h and "label" in h for h in headers
        )
        assert all(c.font.bold for c in sheet[1])
        for column in sheet.iter_cols():
            letter = column[0].column_letter
            width = sheet.column_dimensions[letter].width
            assert width >= min(len(str(column[0].value)), 60), (sheet.title, letter)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("[", "{")), (sheet.title, cell.value)
                    assert not ids.match(cell.value), (sheet.title, cell.value)
    steps = book["Conditional steps"]
    headers = [c.value for c in steps[1]]
    assert "Their variable" in headers and "Cost to us" in headers
    first = example_plan().concessions.steps[0]
    variables = {v.id: v.name for v in example_plan().concessions.variables}
    their = steps.cell(row=2, column=headers.index("Their variable") + 1).value
    assert their == variables[first.their_variable_id]
    cost = steps.cell(row=2, column=headers.index("Cost to us") + 1)
    assert cost.value == pytest.approx(first.our_cost) and '"EUR"' in cost.number_format
    differentiators = book["Differentiators"]
    headers = [c.value for c in differentiators[1]]
    column = headers.index("Answers pains") + 1
    answers = [differentiators.cell(row=r, column=column).value for r in range(2, 6)]
    assert "Unplanned breakdowns break delivery windows" in answers
    items = book["Value items"]
    headers = [c.value for c in items[1]]
    assert items.cell(row=2, column=headers.index("Probability") + 1).number_format == "0%"
    ledger = book["Concession ledger"]
    headers = [c.value for c in ledger[1]]
    assert "When" in headers and "Answers" in headers
    when = ledger.cell(row=2, column=headers.index("When") + 1)
    assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm"


CHOICE_COLUMNS = {
    ("Concession ledger", "Direction"): "ledger.entries[].direction",
    ("Value items", "Kind"): "value.value_items[].kind",
    ("Value per year", "Kind"): "value.value_items[].kind",
    ("Existing business", "Direction"): "relationship.links[].direction",
    ("Existing business", "Quality"): "relationship.links[].quality",
    ("Key players", "Side"): "relationship.players[].side",
    ("Key players", "Stance"): "relationship.players[].stance",
    ("Relationship give and take", "Side"): "relationship.contributions[].side",
    ("Relationship issues", "Kind"): "relationship.issues[].kind",
    ("Anticipated moves", "Actor is"): "strategy.anticipated[].actor_kind",
    ("Framings", "Role"): "value.framings[].role",
}


def _column(sheet, header):
    headers = [c.value for c in sheet[1]]
    index = headers.index(header) + 1
    return [sheet.cell(row=r, column=index).value for r in range(2, sheet.max_row + 1)]


def test_xlsx_choice_columns_read_as_the_app_shows_them(book):
    for (title, header), path in CHOICE_COLUMNS.items():
        values = [v for v in _column(book[title], header) if v is not None]
        assert values and set(values) <= set(choice_labels(path).values()), (title, values)
    assert "Sceptical" in _column(book["Key players"], "Stance")
    assert "We gave" in _column(book["Concession ledger"], "Direction")


def test_xlsx_keeps_amounts_and_chances_of_the_scenarios_in_columns_of_their_own(book):
    amounts, chances = book["Scenario estimates"], book["Scenario chances"]
    assert "Gain" in _column(amounts, "Quantity")
    assert "Chance of cooperation" in _column(chances, "Quantity")
    assert not any(q.startswith("Chance") for q in _column(amounts, "Quantity"))
    assert all(q.startswith("Chance") for q in _column(chances, "Quantity"))
    for header in ("Low", "Likely", "High"):
        column = amounts[1][[c.value for c in amounts[1]].index(header)].column_letter
        assert all('"EUR"' in c.number_format for c in amounts[column][1:])
        column = chances[1][[c.value for c in chances[1]].index(header)].column_letter
        assert all(c.number_format == "0%" and 0 <= c.value <= 1 for c in chances[column][1:])


def test_xlsx_keeps_formulas_inert(tmp_path):
    plan = poison(example_plan())
    book = load_workbook(io.BytesIO(export_brief(plan, "xlsx")))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert sum(isinstance(c.value, str) and c.value.startswith("<img") for c in cells) > 20
    assert any(isinstance(c.value, str) and "=cmd" in c.value for c in cells)
    formula = m.Plan(name="=1+1", summary="@SUM(A1)", counterpart="+cmd|' /C calc'!A0")
    first = load_workbook(io.BytesIO(export_brief(formula, "xlsx")))
    values = [c for sheet in first for row in sheet.iter_rows() for c in row]
    assert first["Summary"]["A1"].value == "=1+1"
    assert all(c.data_type != "f" for c in [*cells, *values])


# --- 18: Markdown escaped for Markdown -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("Fees & charges, R&D", {}, "Fees & charges, R&D"),
        ("&amp; is an entity", {}, "\\&amp; is an entity"),
        ("7.2 months", {}, "7.2 months"),
        ("1. first", {}, "1\\. first"),
        ("- not a list", {}, "\\- not a list"),
        ("-3 %", {}, "-3 %"),
        ("# not a heading", {}, "\\# not a heading"),
        ("> not a quote", {}, "\\> not a quote"),
        ("snake_case stays", {}, "snake_case stays"),
        ("_not emphasis_ *nor this*", {}, "\\_not emphasis\\_ \\*nor this\\*"),
        ("<script>x</script>", {}, "\\<script>x\\</script>"),
        ("[x](javascript:y)", {}, "\\[x\\](javascript:y)"),
        ("a | b", {}, "a | b"),
        ("a | b", {"cell": True}, "a \\| b"),
        ("- in a cell", {"line_start": False, "cell": True}, "- in a cell"),
    ],
)
def test_md_escapes_only_what_markdown_would_read(text, kwargs, expected):
    assert md(text, **kwargs) == expected


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def rendered(markdown: str) -> _Tags:
    """What a CommonMark renderer (with tables) makes of the Markdown."""
    parser = _Tags()
    parser.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return parser


def table_widths(plan) -> set[int]:
    """How many columns the brief's tables have (every row of a table has as many)."""
    from workbook.blocks import Table
    from workbook.brief import brief_parts

    return {
        len(block.columns)
        for part in brief_parts(plan)
        for block in [*part.blocks, *part.details]
        if isinstance(block, Table)
    }


def test_markdown_reads_naturally():
    plan = example_plan().model_copy(
        update={"counterpart": "Smith & Sons", "summary": "R&D costs < 5 % & falling"}, deep=True
    )
    text = brief_markdown(plan)
    assert "Smith & Sons" in text and "R&D costs \\< 5 % & falling" in text
    assert "&amp;" not in text and "&lt;" not in text
    assert re.search(r"Payback: \*\*\d+\.\d months\*\*", text)  # not "7\.2"
    shown = "".join(rendered(text).text)
    assert "Smith & Sons" in shown and "R&D costs < 5 % & falling" in shown
    plan.value.framings[0].statement = "Cost | value & risk"
    page = rendered(brief_markdown(plan))
    assert {len(r) for r in _rows(page)} == table_widths(plan)  # no cell split by the pipe
    assert "Cost | value & risk" in "".join(page.text)
    assert "| Cost \\| value & risk |" in brief_markdown(plan)


def test_user_markup_stays_inert_in_a_markdown_renderer():
    plan = poison(example_plan(), XSS + " *bold* | pipe | ")
    source = brief_markdown(plan)
    assert XSS in source.replace("\\", "")  # only backslashes added, no HTML entities
    page = rendered(source)
    allowed = {"h1", "h2", "p", "strong", "ul", "li", "blockquote", "table"}
    allowed |= {"thead", "tbody", "tr", "th", "td"}
    assert {tag for tag, _ in page.tags} <= allowed
    shown = "".join(page.text)
    assert "<script>window.__xss=1</script>" in shown and "[x](javascript:y)" in shown
    assert "*bold* | pipe |" in shown
    assert {len(r) for r in _rows(page)} == table_widths(plan)  # no cell split by a pipe


def _rows(page: _Tags) -> list[list[str]]:
    rows: list[list[str]] = []
    for tag, _ in page.tags:
        if tag == "tr":
            rows.append([])
        elif tag in ("td", "th") and rows:
            rows[-1].append(tag)
    return rows


# --- 19: a small, offline page that prints as one page plus details -------------------------


def test_html_export_is_small_and_offline_with_static_charts():
    page = brief_html(example_plan())
    assert len(page.encode()) < 400_000  # the plotly.js bundle alone is ~4.6 MB
    assert "<script" not in page and "script-src 'none'" in page
    charts = sum(len(p.details) for p in brief_parts(example_plan(), charts=True))
    assert page.count("<svg ") >= 7 and charts >= 7
    for host in re.findall(r"(?:https?:)?//[\w.-]+", page):
        assert host == "http://www.w3.org", host  # the SVG namespace, never fetched
    assert page.index('class="nw-one-page"') < page.index('class="nw-details"')


def test_charts_are_well_formed_svg_with_user_text_escaped():
    plan = poison(example_plan())
    shown: list[str] = []
    for part in brief_parts(plan, charts=True):
        for block in part.details:
            if isinstance(block, Chart):
                svg = ET.fromstring(figure_svg(block.figure))
                shown += [el.text or "" for el in svg.iter() if el.tag.endswith("text")]
                tags = {el.tag.split("}")[-1] for el in svg.iter()}
                assert tags <= {
                    "svg",
                    "text",
                    "line",
                    "rect",
                    "circle",
                    "polygon",
                    "path",
                    "polyline",
                }, tags
    # as text (names alike in their first characters are shortened to their two ends)
    assert sum(t.startswith("<img src=x onerror=") for t in shown) >= 4
    page = brief_html(plan)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_chart_subtitle_is_its_own_line_under_the_title():
    from workbook.charts.figure import Bar, Figure

    figure = Figure(Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    figure.update_layout(
        title_text="Moves, bad to good case<br><sup>the 15 best of 200 moves</sup>"
    )
    texts = [
        (el.text, float(el.get("y", 0)))
        for el in ET.fromstring(figure_svg(figure)).iter()
        if el.tag.endswith("text")
    ]
    (title_y,) = [y for t, y in texts if t == "Moves, bad to good case"]
    (sub_y,) = [y for t, y in texts if t == "the 15 best of 200 moves"]
    assert sub_y > title_y
    assert all(y > sub_y for t, y in texts if t in ("a", "b"))  # the plot starts below both


# --- 20: the brief's wording ---------------------------------------------------------------


def test_conditional_steps_read_as_sentences():
    plan = example_plan().model_copy(deep=True)
    plan.concessions.steps = [
        m.ConcessionStep(if_they_give="A three-year term.", we_give="Price from EUR 32 to EUR 30"),
        m.ConcessionStep(if_they_give="FleetSense off the shortlist", we_give="EU hosting"),
    ]
    text = brief_markdown(plan)
    assert "- If you give a three-year term, then we give price from EUR 32 to EUR 30." in text
    assert "- If you give FleetSense off the shortlist, then we give EU hosting." in text
    assert not re.search(r"If (you|they) give [A-Z][a-z]", brief_markdown(example_plan()))
    assert clause("FleetSense matches it.") == "FleetSense matches it"
    assert clause("EU hosting") == "EU hosting" and clause("A pilot") == "a pilot"
    assert clause("Northwind pays", frozenset({"Northwind"})) == "Northwind pays"


def test_check_warnings_are_warnings_not_steps():
    parts = {p.title: p for p in brief_parts(example_plan())}
    warnings = [b for b in parts["Positions and concession plan"].blocks if isinstance(b, Warnings)]
    assert warnings and "Unanswered in the ledger" in warnings[0].items[0]
    text = brief_markdown(example_plan())
    assert "> ⚠ **Warning:** Unanswered in the ledger: Dashboard training" in text
    assert "- Unanswered in the ledger" not in text
    page = brief_html(example_plan(), charts=False)
    boxes = [b.split("</div>")[0] for b in page.split('<div class="warnings" role="note">')[1:]]
    assert any("Warning" in b and "Unanswered in the ledger" in b for b in boxes)


def test_trade_currency_names_each_variable_once():
    plan = example_plan()
    trades = trade_currency(plan.concessions, plan.side)
    top = trades[trades["quadrant"] == "trade currency"].head(4)
    assert top["variable"].duplicated().any()  # the example offers two options of one variable
    text = brief_markdown(plan)
    line = next(t for t in text.splitlines() if t.startswith("Trade currency"))
    for variable, rows in top.groupby("variable", sort=False):
        assert line.count(f"{variable}:") == 1
        assert f"{variable}: " + " or ".join(rows["to_option"]) in line


def test_a_plan_without_moves_says_so_in_a_sentence_not_an_error():
    page = brief_html(m.Plan(name="New"), charts=False)
    assert '<p class="empty">There are no moves yet' in page
    assert '<p class="bad">there' not in page


def test_the_moves_table_speaks_of_bad_likely_and_good_cases():
    text = brief_markdown(example_plan())
    header = next(line for line in text.splitlines() if line.startswith("| Move |"))
    assert "Bad case (P10)" in header and "Likely (P50)" in header
    assert "Good case (P90)" in header and "| P10 |" not in header


def _brief_texts(plan: m.Plan) -> dict[str, str]:
    """The brief of ``plan`` as the text a reader sees, in every format."""
    book = load_workbook(io.BytesIO(export_brief(plan, "xlsx")))
    cells = [str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value]
    return {
        "html": re.sub(r"<[^>]+>", " ", brief_html(plan)),
        "md": brief_markdown(plan),
        "xlsx": "\n".join(cells),
    }


def test_an_empty_plans_brief_says_what_is_not_entered_yet_instead_of_zeros(tmp_path):
    with PlanStore(tmp_path / "plans.sqlite") as store:
        fresh = store.create(m.Plan(name="Fresh deal", counterpart="Acme")).plan
    for kind, text in _brief_texts(fresh).items():
        text = " ".join(text.split())
        assert "deal value not set yet" in text and "date not set yet" in text, kind
        assert "No benefits entered yet" in text and "No customer pains entered yet" in text
        for shown in ("EUR 0", "never", "0% of what matters", "Trust today"):
            assert shown not in text, (kind, shown)
    entered = fresh.model_copy(deep=True)
    entered.relationship.trust_level = 4
    assert all("Trust today 4/5" in t for t in _brief_texts(entered).values())
    entered.relationship.trust_level = 3
    entered.relationship.common_ground = [m.CommonGround(text="Both want a pilot in March")]
    assert all("Trust today 3/5" in t for t in _brief_texts(entered).values())
