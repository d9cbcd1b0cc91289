"""The referrers' overview of codes, tariffs per 3 months and care questions (``table``), and its
formats: text, Markdown, CSV, JSON and one filterable HTML page (``output``)."""

from zorgregels.jobs.overview.output import FORMATS, render, render_html
from zorgregels.jobs.overview.table import TariffRow, TariffTable, tariff_table

__all__ = ["FORMATS", "TariffRow", "TariffTable", "render", "render_html", "tariff_table"]
