"""The one Jinja2 environment every HTML page is rendered with.

Templates live in ``render/templates/`` (shipped as package data): ``base.html.j2`` is the page
shell (head, the one stylesheet inline, header, footer) that every page extends, and
``chart.html.j2`` holds the one bar-chart macro. Autoescaping is on and an undefined name is an
error, so a typo in a template fails the tests instead of printing an empty cell. The Dutch
formatters of ``core/nl`` are the filters (``money``, ``number``, ``percent``, ``date``), so a
page writes ``{{ amount|money }}`` and never formats a number itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from zorgregels.catalogue.citations import split_basis
from zorgregels.core import nl
from zorgregels.version import __version__


def breakable(text: object, after: str = "_") -> Markup:
    """Escaped text with a line-break opportunity after each ``after`` (long snake_case ids or
    a/b/c lists would otherwise widen a narrow table column)."""
    return Markup(str(escape("" if text is None else str(text))).replace(after, after + "<wbr>"))


def cited(basis: object, links: Mapping[str, str]) -> Markup:
    """A basis in words with each citation linked to its source where the catalogue has a link
    (``Catalogue.citations``: the article on wetten.overheid.nl, the ruling by its ECLI)."""
    parts = []
    for part in split_basis("" if basis is None else str(basis)):
        text, _, note = part.partition(" (")
        url = links.get(text.strip())
        words = escape(text.strip())
        link = Markup(f'<a href="{escape(url)}" rel="external">{words}</a>') if url else words
        parts.append(link + (escape(f" ({note}") if note else ""))
    return Markup("; ").join(parts)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("zorgregels.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # templates ship inside the package and do not change while a process runs
        auto_reload=False,
    )
    env.filters.update(
        money=nl.money,
        money_cents=nl.money_cents,
        number=nl.number,
        percent=nl.percent,
        date=nl.date_or_text,
        breakable=breakable,
        cited=cited,
    )
    env.globals.update(version=__version__)
    return env


#: The environment is built once per process; Jinja keeps each compiled template in it.
ENVIRONMENT = _environment()


def render_page(template: str, **context: object) -> str:
    """Render one page template (a child of ``base.html.j2``) to a complete HTML document."""
    return ENVIRONMENT.get_template(template).render(**context)


__all__ = ["ENVIRONMENT", "breakable", "cited", "render_page"]
