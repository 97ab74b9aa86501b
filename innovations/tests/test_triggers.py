"""The database keeps derived columns current on every write path; its functions are those that
innovations/triggers.py renders from the Python constants, and the paths not covered elsewhere work."""

from django.db import connection

from hinportal.models import SearchWord
from innovations.models import Innovation, NiceGuidance
from innovations.tests.factories import make_guidance, make_innovation
from innovations.triggers import bodies


def test_the_functions_in_the_database_are_those_the_constants_render(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)", [list(bodies())])
        installed = dict(cursor.fetchall())
    assert installed == bodies(), "the trigger functions drifted: add a migration (see innovations/triggers.py)"


def vector_of(innovation: Innovation) -> str:
    return str(Innovation.objects.values_list("search_vector", flat=True).get(pk=innovation.pk))


def test_changing_a_nice_reference_changes_what_finds_the_innovation(db):
    innovation = make_innovation(name="Bladder scanner")
    guidance = make_guidance(innovation=innovation, kind="MTG", number=58)
    assert "'mtg58'" in vector_of(innovation)
    NiceGuidance.objects.filter(pk=guidance.pk).update(number=74)  # a bulk update, not a save
    assert "'mtg74'" in vector_of(innovation) and "'mtg58'" not in vector_of(innovation)
    guidance.delete()
    assert "mtg" not in vector_of(innovation)


def test_a_reference_moved_to_another_innovation_leaves_the_first(db):
    first, second = make_innovation(name="First"), make_innovation(name="Second")
    guidance = make_guidance(innovation=first, kind="DG", number=12)
    NiceGuidance.objects.filter(pk=guidance.pk).update(innovation=second)
    assert "dg12" not in vector_of(first)
    assert "'dg12'" in vector_of(second)


def test_new_words_are_collected_when_text_changes_and_only_then(db):
    innovation = make_innovation(name="Plain name", summary="Ordinary summary.")
    assert not SearchWord.objects.filter(word="spirometry").exists()
    Innovation.objects.filter(pk=innovation.pk).update(description="Home spirometry coaching")
    assert SearchWord.objects.filter(word__in=["spirometry", "coaching", "home"]).count() == 3
    SearchWord.objects.filter(word="spirometry").delete()
    Innovation.objects.filter(pk=innovation.pk).update(adopted_icb_count=4)  # no text changed
    assert not SearchWord.objects.filter(word="spirometry").exists()
    assert not SearchWord.objects.filter(word__in=["to", "of"]).exists()  # shorter than the rule allows
