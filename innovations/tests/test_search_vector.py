import pytest

from hinportal.lib.search.ranking import Search
from hinportal.models import SearchWord
from innovations.models import Innovation
from innovations.search import innovation_source
from innovations.tests.factories import make_guidance, make_innovation

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    """The names the one ranking gives, by words alone (meaning is tested in hinportal/tests)."""
    hits, _ = Search(text, semantic=False).rank([innovation_source(Innovation.objects.all())], offset=0, limit=50)
    names = dict(Innovation.objects.values_list("pk", "name"))
    return [names[hit.pk] for hit in hits]


def test_the_vector_is_written_on_create_and_kept_current_on_update_and_bulk_paths():
    innovation = make_innovation(name="Heart failure virtual ward")
    assert found("virtual ward") == ["Heart failure virtual ward"]

    innovation.name = "Kidney monitoring"
    innovation.save()
    assert found("virtual ward") == []
    assert found("kidney") == ["Kidney monitoring"]

    Innovation.objects.filter(pk=innovation.pk).update(summary="Spirometry in pharmacies.")
    assert found("spirometry") == ["Kidney monitoring"]

    Innovation.objects.bulk_create(
        [Innovation(name="Bulk sepsis alert", slug="bulk-sepsis", summary="s", category="digital", status="draft")]
    )
    assert found("sepsis") == ["Bulk sepsis alert"]


def test_vocabulary_terms_and_nice_codes_are_searchable():
    innovation = make_innovation(
        name="Plain name", clinical_areas=["ear-nose-and-throat"], care_settings=["care-homes"]
    )
    assert found("throat") == ["Plain name"]
    assert found("care homes") == ["Plain name"]
    make_guidance(innovation=innovation, kind="MTG", number=58)
    assert found("MTG58") == ["Plain name"]


def test_name_outranks_summary_and_summary_outranks_description():
    make_innovation(name="Asthma app", summary="For patients.")
    make_innovation(name="Breathing coach", summary="Helps people with asthma.")
    make_innovation(name="Lung service", summary="For patients.", description="Includes asthma reviews.")
    assert found("asthma") == ["Asthma app", "Breathing coach", "Lung service"]


def test_web_search_syntax_quotes_or_and_minus():
    make_innovation(name="Virtual ward for COPD")
    make_innovation(name="Ward round checklist", summary="A virtual tool.")
    make_innovation(name="Diabetes education")
    assert found('"virtual ward"') == ["Virtual ward for COPD"]
    assert set(found("copd or diabetes")) == {"Virtual ward for COPD", "Diabetes education"}
    assert found("ward -copd") == ["Ward round checklist"]


def test_the_last_word_typed_matches_as_a_prefix():
    make_innovation(name="Spirometry hub")
    assert found("spiro") == ["Spirometry hub"]
    assert found("hub spiro") == ["Spirometry hub"]
    assert found('"spiro') == []  # inside an open quote it is a word, not a prefix


def test_odd_queries_build_safely():
    make_innovation(name="Sepsis alert")
    for text in ["or", "-", '"', "a:* & b", "'); DROP TABLE x; --", "x" * 500, "sepsis ''", "!!! sepsis", "\u200f"]:
        found(text)
    assert not Search("   ", semantic=False)
    assert found("!!! seps") == ["Sepsis alert"]


def test_the_catalogue_collects_its_own_words_for_suggestions():
    make_innovation(name="Haematuria clinic", summary="One-stop service.")
    assert SearchWord.objects.filter(word__in=["haematuria", "clinic", "service"]).count() == 3
    assert SearchWord.objects.get(word="haematuria").stem == "haematuria"
    assert SearchWord.objects.get(word="service").stem == "servic"
