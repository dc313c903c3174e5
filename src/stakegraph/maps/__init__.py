"""Relationship maps: our team and the customer's people, built with pyvis, rendered safely."""

from stakegraph.maps.network import (
    COLOURS,
    AccountMap,
    LegendEntry,
    build_map,
    contact_node_id,
    team_node_id,
)
from stakegraph.maps.render import (
    maps_static_dir,
    render_map_fragment,
    render_map_page,
    vis_network_dir,
)

__all__ = [
    "COLOURS",
    "AccountMap",
    "LegendEntry",
    "build_map",
    "contact_node_id",
    "maps_static_dir",
    "render_map_fragment",
    "render_map_page",
    "team_node_id",
    "vis_network_dir",
]
