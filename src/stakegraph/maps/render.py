"""Maps rendered to HTML through our own template, with autoescape on.

pyvis's own template is not used: it renders without autoescape, switches every tooltip to
``innerHTML`` as soon as one title contains "href", and pulls vis-network and Bootstrap from CDNs.
Here the network travels as JSON inside ``<script type="application/json">`` (Jinja's ``tojson``
escapes ``<``, ``>``, ``&`` and quotes), labels are drawn on a canvas, tooltips are plain text
(vis-network writes string titles with ``innerText``), and every script and style sheet comes
from the service's own static route.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from stakegraph.maps.network import AccountMap

__all__ = ["maps_static_dir", "render_map_fragment", "render_map_page", "vis_network_dir"]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("stakegraph.maps", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def vis_network_dir() -> Path:
    """The folder of vis-network's JS and CSS as shipped inside the pyvis wheel."""
    folder = Path(str(resources.files("pyvis"))) / "lib" / "vis-9.1.2"
    if not (folder / "vis-network.min.js").is_file():  # pragma: no cover - a broken install
        raise FileNotFoundError(f"vis-network is missing from the pyvis install: {folder}")
    return folder


def maps_static_dir() -> Path:
    """The folder of the map's own script and style sheet."""
    return Path(str(resources.files("stakegraph.maps"))) / "static"


def render_map_fragment(account_map: AccountMap, *, dom_id: str = "sg-map") -> Markup:
    """The map's HTML to place inside a page that loads the map's scripts and styles."""
    template = _environment().get_template("map_fragment.html")
    return Markup(template.render(map=account_map, data=account_map.data(), dom_id=dom_id))


def render_map_page(account_map: AccountMap, *, static_url: str = "/static") -> str:
    """A standalone HTML document showing the map (scripts from ``static_url``)."""
    template = _environment().get_template("map_page.html")
    return template.render(
        map=account_map,
        fragment=render_map_fragment(account_map),
        static_url=static_url.rstrip("/"),
    )
