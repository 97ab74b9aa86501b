"""The tiles and table rows of a hex map (templates/components/hex_map.html), written here: a map
has a tile and a row for each of 42 systems, and a template for each was a fifth of an ICS page's
time. Every value is escaped as a template would escape it."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hinportal.lib.hexmap import HexMap, Tile

register = template.Library()


def _code(tile: Tile) -> SafeString:
    if tile.highlighted:
        return format_html(
            '<tspan x="{}" dy="-0.55em">{}</tspan><tspan x="{}" dy="1.1em">here</tspan>', tile.x, tile.ods_code, tile.x
        )
    return format_html("{}", tile.ods_code)


@register.simple_tag
def hex_tiles(map: HexMap, id: str) -> SafeString:
    return format_html_join(
        "\n",
        '<a href="{}" class="app-hexmap__link"><title>{} ({}): {}{}</title>'
        '<polygon class="app-hexmap__tile{}" fill="url(#{}-{})" points="{}"/>'
        '<text class="app-hexmap__code" x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
        'aria-hidden="true">{}</text></a>',
        (
            (
                tile.url,
                tile.name,
                tile.ods_code,
                tile.label,
                " (this system)" if tile.highlighted else "",
                " app-hexmap__tile--highlighted" if tile.highlighted else "",
                id,
                tile.key,
                tile.points,
                tile.x,
                tile.y,
                _code(tile),
            )
            for tile in map.tiles
        ),
    )


@register.simple_tag
def hex_rows(map: HexMap, column: str) -> SafeString:
    return format_html_join(
        "\n",
        '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" '
        'aria-hidden="true">Integrated care system </span><a href="{}">{}</a>{}</td><td class="nhsuk-table__cell">'
        '<span class="nhsuk-table-responsive__heading" aria-hidden="true">{} </span>{}</td></tr>',
        ((tile.url, tile.name, " (this system)" if tile.highlighted else "", column, tile.label) for tile in map.tiles),
    )
