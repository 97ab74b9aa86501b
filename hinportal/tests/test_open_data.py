import csv
import io

import pytest
from django.utils.html import escape

from hinportal.site.open_data import CATALOGUE_COLUMNS, DATASETS
from innovations.models import EvidenceItem, InnovationFact, NiceGuidance, Programme
from innovations.tests.factories import make_innovation


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_the_page_lists_every_download_with_its_dictionary_and_licence(client, db):
    html = client.get("/open-data/").content.decode()
    assert "Open Government Licence v3.0" in html and "© NICE" in html
    for dataset in DATASETS:
        assert f'id="{dataset.slug}"' in html
        assert f'href="{dataset.url}"' in html, dataset.slug
        for name, meaning, sureness in dataset.columns:
            assert f"<code>{name}</code>" in html, (dataset.slug, name)
            assert escape(meaning) in html and escape(sureness) in html, (dataset.slug, name)
    assert 'href="/innovations/export.json"' in html
    assert 'href="/innovations/feed/"' in html and 'href="/publications/feed/"' in html


@pytest.mark.parametrize("dataset", [d for d in DATASETS if d.rows], ids=lambda d: d.slug)
def test_each_file_has_the_columns_its_dictionary_describes(client, catalogue_data, dataset):
    rows = _csv(client.get(dataset.url))
    assert rows[0] == dataset.csv_columns
    assert len(rows) == 1 + dataset.rows().count()


def test_the_catalogue_export_matches_its_dictionary(client, catalogue_data):
    rows = _csv(client.get("/innovations/export.csv"))
    assert rows[0] == [name for name, _, _ in CATALOGUE_COLUMNS]
    nice = next(row for row in rows if row[0] == "SeQuent Please")
    assert nice[-3:] == [
        "NICE medical technologies guidance MTG1",
        "https://www.nice.org.uk/guidance/mtg1/chapter/1-Recommendations",
        "False",
    ]


def test_the_facts_files_carry_sources_and_confidence_and_no_demonstration_data(client, catalogue_data):
    facts = _csv(client.get("/open-data/innovation-facts.csv"))
    header = facts[0]
    recalled = [row for row in facts[1:] if row[header.index("confidence")] == "recalled"]
    assert len(recalled) == InnovationFact.objects.filter(confidence="recalled").count() > 0
    guidance = _csv(client.get("/open-data/nice-guidance.csv"))
    assert len(guidance) == 1 + NiceGuidance.objects.count()
    assert ["urolift", "MTG", "26", "replaced"] in [row[:4] for row in guidance]
    demo = make_innovation(is_demo=True)
    EvidenceItem.objects.create(innovation=demo, kind="rct", title="Made up", year=2024, is_demo=True)
    evidence = _csv(client.get("/open-data/evidence.csv"))
    assert "Made up" not in {row[2] for row in evidence}
    assert len(evidence) == 1 + EvidenceItem.objects.filter(is_demo=False).count()
    programmes = _csv(client.get("/open-data/programmes.csv"))
    assert len(programmes) == 1 + Programme.objects.published().count()


def test_an_unknown_file_is_not_found(client, db):
    assert client.get("/open-data/secrets.csv").status_code == 404
