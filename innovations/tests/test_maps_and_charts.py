"""The map and the chart say what they show without colour: patterns, codes, links, words."""

from innovations.adoption_stats import reach_bands
from innovations.tests.factories import adopt_in, make_innovation
from networks.tests.factories import make_icb


def test_bands_cut_at_the_quartiles_so_the_systems_spread_across_them():
    bands = reach_bands([60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71])
    assert [key for key, _, _ in bands] == ["few", "some", "many", "most"]
    assert [label for _, label, _ in bands] == ["60 to 62", "63 to 65", "66 to 68", "69 or more"]
    # Ties collapse rather than make empty bands.
    assert [label for _, label, _ in reach_bands([5, 5, 5, 5, 9])] == ["5 to 8", "9 or more"]
    assert reach_bands([]) == [("few", "None recorded", None)]


def test_each_tile_links_to_its_system_with_its_code_and_the_current_one_says_here(client, db):
    icbs = [make_icb(short_name=f"Shire {code}", ods_code=code) for code in ("QHL", "QUA", "QWU")]
    innovation = make_innovation(name="Spread one")
    adopt_in(innovation, icbs[:2])
    html = client.get(icbs[0].get_absolute_url()).content.decode()
    for icb in icbs:
        assert f'<a href="{icb.get_absolute_url()}" class="app-hexmap__link"><title>Shire {icb.ods_code}' in html
        assert f">{icb.ods_code}<" in html
    assert "Shire QHL is outlined in black and marked “here”." in html
    assert ">here</tspan>" in html
    assert 'class="app-hexmap__tile app-hexmap__tile--highlighted" fill="url(#reach-map-' in html
    # The table beside the map names each system, the current one in words, escaped as any text is.
    assert f'<a href="{icbs[0].get_absolute_url()}">Shire QHL</a> (this system)</td>' in html
    icbs[2].short_name = "Shire <&> Vale"
    icbs[2].save()
    html = client.get(icbs[0].get_absolute_url()).content.decode()
    assert "<title>Shire &lt;&amp;&gt; Vale (QWU): " in html and "Shire <&>" not in html
    detail = client.get(innovation.get_absolute_url()).content.decode()
    # Status by pattern as well as colour: each status has its own pattern, dots, lines, a bar, a cross.
    for status in ("exploring", "piloting", "adopted", "embedded", "discontinued"):
        assert f'<pattern id="adoption-map-{status}"' in detail
    assert 'fill="url(#adoption-map-adopted)"' in detail


def test_the_chart_labels_are_text_outside_the_drawing(client, db):
    icbs = [make_icb(ods_code=code) for code in ("QHL", "QUA")]
    innovation = make_innovation()
    adopt_in(innovation, icbs)
    html = client.get(innovation.get_absolute_url()).content.decode()
    chart = html[html.index('<figure class="app-chart">') : html.index("</figure>", html.index('class="app-chart"'))]
    assert "<text" not in chart
    assert 'class="app-chart__yaxis" aria-hidden="true"><span>' in chart
    assert 'class="app-chart__xaxis"' in chart
