"""Plotly figures as plain dicts: the part of ``go.Figure`` the chart builders use.

A figure is the JSON plotly.js draws (``{"data": [...], "layout": {...}}``), built without
plotly's validators: importing and running them costs a kernel ~14 MB and each chart
several milliseconds, on the path from an edit to its redrawn chart. Keys read as
attributes too (``figure.layout.title.text``, ``figure.data[0].x``), a missing leaf as
None and a missing nested object as an empty one, as on a ``go.Figure``; ``figure.to_go()``
gives the validated ``go.Figure`` to an analyst who wants one.

>>> figure = Figure(Bar(x=[1, 2], y=["a", "b"], marker_color="red"))
>>> figure.data[0].marker.color, figure.layout.title.text
('red', None)
"""

from __future__ import annotations

import json
import math
from typing import Any

NESTED = frozenset(
    {
        "layout",
        "marker",
        "line",
        "font",
        "title",
        "xaxis",
        "yaxis",
        "legend",
        "margin",
        "textfont",
        "hoverlabel",
        "template",
    }
)
"""The properties that hold objects: read as an empty one when absent, as plotly does."""

FLAT = frozenset({"paper_bgcolor", "plot_bgcolor"})
"""Property names with an underscore of their own (every other underscore nests)."""


class Node(dict[str, Any]):
    """A plotly object: a dict whose keys also read as attributes."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            if name.startswith("_"):
                raise AttributeError(name) from None
            return Node() if name in NESTED else None


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: dicts as :class:`Node`, arrays and Series as lists,
    numpy numbers as Python ones, NaN and infinity as None (plotly's encoder does so too),
    a title given as text as ``{"text": ...}`` (as plotly stores it)."""
    if isinstance(value, dict):
        return Node(
            {
                k: plain({"text": v} if k == "title" and isinstance(v, str) else v)
                for k, v in value.items()
            }
        )
    if isinstance(value, str | bool | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and numbers, pandas Series and Index
        return plain(value.tolist())
    return value


def nested(props: dict[str, Any]) -> Node:
    """Properties with plotly's "magic underscores" (``marker_color``) as nested objects."""
    out = Node()
    for key, value in props.items():
        *path, last = [key] if key in FLAT or "_" not in key else key.split("_")
        target = out
        for part in path:
            target = target.setdefault(part, Node())
        old = target.get(last)
        value = plain(value)
        target[last] = merged(old, value) if isinstance(old, dict) else value
    return out


def merged(base: dict[str, Any], extra: dict[str, Any]) -> Node:
    """``base`` with ``extra`` on top, nested dicts merged key by key."""
    out = Node(base)
    for key, value in extra.items():
        old = out.get(key)
        out[key] = (
            merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return out


def Bar(**props: Any) -> Node:
    """A bar trace."""
    return Node(type="bar", **nested(props))


def Scatter(**props: Any) -> Node:
    """A scatter trace (markers, lines, text)."""
    return Node(type="scatter", **nested(props))


def Heatmap(**props: Any) -> Node:
    """A heatmap trace."""
    return Node(type="heatmap", **nested(props))


def _label_spot(position: str, along: str) -> dict[str, Any]:
    """Where plotly puts the label of a line or band spanning the plot (``along`` "x" for a
    vertical one): the anchors for ``position`` such as "top right"."""
    top, right = "bottom" not in position, "left" not in position
    if along == "x":
        return {"xanchor": "left" if right else "right", "yanchor": "top" if top else "bottom"}
    return {"xanchor": "right" if right else "left", "yanchor": "bottom" if top else "top"}


class Figure(Node):
    """A plotly figure as a dict: ``Figure([Bar(...), Scatter(...)])``."""

    __slots__ = ()

    def __init__(self, data: Any = None, layout: dict[str, Any] | None = None):
        traces = [] if data is None else [data] if isinstance(data, dict) else list(data)
        super().__init__(data=[plain(t) for t in traces], layout=plain(layout or {}))

    def add_trace(self, trace: dict[str, Any]) -> Figure:
        """Add one trace on top."""
        self["data"].append(plain(trace))
        return self

    def update_layout(self, **props: Any) -> Figure:
        """Merge ``props`` (magic underscores allowed) into the layout."""
        self["layout"] = merged(self["layout"], nested(props))
        return self

    def add_annotation(self, **props: Any) -> Figure:
        """Add a text annotation."""
        self["layout"].setdefault("annotations", []).append(nested(props))
        return self

    def add_shape(self, **props: Any) -> Figure:
        """Add a shape (a line or a rectangle)."""
        self["layout"].setdefault("shapes", []).append(nested(props))
        return self

    def _spanning(self, kind: str, along: str, low: float, high: float, props: dict) -> Figure:
        """A line or a band across the whole plot, labelled as plotly's ``add_vline`` does."""
        text = props.pop("annotation_text", None)
        position = props.pop("annotation_position", "top right")
        other = "y" if along == "x" else "x"
        self.add_shape(
            type=kind,
            **{f"{along}0": low, f"{along}1": high, f"{along}ref": along},
            **{f"{other}0": 0, f"{other}1": 1, f"{other}ref": f"{other} domain"},
            **props,
        )
        if text is not None:
            spot = _label_spot(position, along)
            if along == "x":
                right = "left" not in position
                at = (high if right else low) if kind == "rect" else low
                if kind == "rect":
                    spot["xanchor"] = "right" if right else "left"
                place = {"x": at, "xref": "x", "y": 0 if "bottom" in position else 1}
                place["yref"] = "y domain"
            else:
                top = "bottom" not in position
                at = (high if top else low) if kind == "rect" else low
                place = {"x": 1 if "left" not in position else 0, "xref": "x domain"}
                place |= {"y": at, "yref": "y"}
            self.add_annotation(showarrow=False, text=text, **place, **spot)
        return self

    def add_vline(self, x: float, **props: Any) -> Figure:
        """A vertical line across the plot at ``x``."""
        return self._spanning("line", "x", x, x, props)

    def add_hline(self, y: float, **props: Any) -> Figure:
        """A horizontal line across the plot at ``y``."""
        return self._spanning("line", "y", y, y, props)

    def add_vrect(self, x0: float, x1: float, **props: Any) -> Figure:
        """A band across the plot from ``x0`` to ``x1``."""
        return self._spanning("rect", "x", x0, x1, props)

    def add_hrect(self, y0: float, y1: float, **props: Any) -> Figure:
        """A band across the plot from ``y0`` to ``y1``."""
        return self._spanning("rect", "y", y0, y1, props)

    def to_plotly_json(self) -> dict[str, Any]:
        """The figure as plotly's JSON structure (it already is one)."""
        return {"data": self["data"], "layout": self["layout"]}

    def to_json(self) -> str:
        """The figure as JSON text."""
        return json.dumps(self.to_plotly_json(), separators=(",", ":"))

    def to_go(self) -> Any:
        """The validated ``plotly.graph_objects.Figure`` of this figure (imports plotly)."""
        import plotly.graph_objects as go

        return go.Figure(self.to_plotly_json())
