"""The one bar chart of every page: horizontal bars, each bar one row of segments (one segment
for a plain count, several for a composition such as verdicts per municipality).

The ``bar_chart`` macro in ``templates/chart.html.j2`` draws a :class:`BarChart`. Each bar is a
small inline SVG whose geometry is in percent of its track, so a chart reflows with the page:
labels and numbers stay HTML text at the page's font size, on a phone as on a wide screen,
instead of one wide SVG that shrinks its text along with it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the narrowest visible sliver, in percent of the track, for a segment with a value
MIN_WIDTH = 0.4
#: a count is written inside its segment when the segment is at least this many percent of
#: the track per digit (a phone's track is about 200 px wide: 4% is 8 px, one digit at 11 px)
WIDTH_PER_DIGIT = 4.0


@dataclass(frozen=True)
class Series:
    """What one kind of segment means and how it looks (colour and legend label)."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Bar:
    """One bar: its label, one value per series of the chart (in the chart's series order), and
    an optional note at the right (the bar's total when there is none)."""

    label: str
    values: tuple[int, ...]
    note: str = ""
    title: str = ""  # the label's tooltip (a municipality's CBS code beside its name)

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Segment:
    """A drawn segment: position and width in percent of the track, written with two decimals
    so the same chart gives the same bytes."""

    series: Series
    value: int
    x: str
    width: str
    centre: str
    show_value: bool
    tooltip: str


@dataclass(frozen=True)
class DrawnBar:
    label: str
    title: str
    description: str
    segments: tuple[Segment, ...]
    right: str


@dataclass(frozen=True)
class BarChart:
    """A titled list of bars. ``share``: every bar fills the track (a composition, read as
    shares); otherwise all bars share one scale (the longest total is the full track).
    ``marker``: a reference line across every track at that percent of the track (the batch
    average of a share), named in the legend by ``marker_label``."""

    title: str
    series: tuple[Series, ...]
    bars: tuple[Bar, ...]
    share: bool = False
    note: str = ""
    empty: str = "Geen gegevens."
    marker: float | None = None
    marker_label: str = ""

    def __post_init__(self) -> None:
        for bar in self.bars:
            if len(bar.values) != len(self.series):
                raise ValueError(f"{self.title}: bar {bar.label!r} has {len(bar.values)} values "
                                 f"for {len(self.series)} series")

    @property
    def legend(self) -> bool:
        return len(self.series) > 1 or self.marker is not None

    @property
    def marker_x(self) -> str:
        """The marker's position, in percent of the track with two decimals (the same bytes for
        the same chart); '' without a marker."""
        return "" if self.marker is None else f"{min(max(self.marker, 0.0), 100.0):.2f}"

    def layout(self) -> tuple[DrawnBar, ...]:
        longest = max((b.total for b in self.bars), default=0) or 1
        return tuple(self._draw(bar, bar.total if self.share else longest) for bar in self.bars)

    def _draw(self, bar: Bar, full: int) -> DrawnBar:
        segments: list[Segment] = []
        multi = len(self.series) > 1
        x = 0.0
        for series, value in zip(self.series, bar.values):
            if value <= 0:
                continue
            width = max(100.0 * value / (full or 1), MIN_WIDTH)
            tooltip = (f"{bar.label}: {series.label} {value}" if multi
                       else f"{bar.label}: {value}")
            segments.append(Segment(
                series=series, value=value, x=f"{x:.2f}", width=f"{width:.2f}",
                centre=f"{x + width / 2:.2f}",
                show_value=multi and width >= WIDTH_PER_DIGIT * len(str(value)),
                tooltip=tooltip))
            x += width
        if multi:
            description = f"{bar.label}: " + ", ".join(
                f"{s.label} {v}" for s, v in zip(self.series, bar.values))
        else:
            description = f"{bar.label}: {bar.total}"
        return DrawnBar(label=bar.label, title=bar.title or bar.label, description=description, segments=tuple(segments),
                        right=bar.note or str(bar.total))


def counts_chart(title: str, items: list[tuple[str, int]], colour: str, *,
                 limit: int = 25, empty: str = "Geen bevindingen.") -> BarChart:
    """A chart of plain counts (one series), the ``limit`` first items."""
    series = (Series(key="count", label="aantal", colour=colour),)
    bars = tuple(Bar(label=label, values=(n,)) for label, n in items[:limit])
    return BarChart(title=title, series=series, bars=bars, empty=empty)


__all__ = ["Bar", "BarChart", "DrawnBar", "Segment", "Series", "counts_chart"]
