"""The database keeps derived columns current on every write path; its functions are those that
innovations/triggers.py renders from the Python constants, and the paths not covered elsewhere work."""

import json

from django.db import connection
from django.utils import timezone

from hinportal.lib.workflow import Status
from hinportal.models import SearchWord
from innovations.models import AdoptionFigure, Innovation, NiceGuidance
from innovations.tests.factories import make_adoption, make_guidance, make_innovation
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


class _Plans:
    """Collects the plans auto_explain sends the client as notices (psycopg2 keeps only 50 in its list)."""

    def __init__(self) -> None:
        self.plans: list[dict] = []

    def append(self, notice: str) -> None:
        if "plan:" in notice:
            self.plans.append(json.loads(notice[notice.index("{") :])["Plan"] | {"text": notice})


def _removed_by_join_filters(node: dict) -> list[int]:
    own = [node["Rows Removed by Join Filter"]] if "Rows Removed by Join Filter" in node else []
    return own + [n for child in node.get("Plans", []) for n in _removed_by_join_filters(child)]


def test_a_large_update_is_not_joined_to_its_old_rows_pair_by_pair(db):
    """The figures trigger joins a statement's old rows to its new. A plan kept from a one-row update
    compared every old row with every new one: quadratic in the rows a statement changes."""
    drafts = [make_innovation(status=Status.DRAFT) for _ in range(300)]
    adopted = make_adoption(innovation=drafts[0])
    Innovation.objects.filter(pk=drafts[1].pk).update(stage="spread")  # a one-row update first, as a session's first
    collected = connection.connection.notices = _Plans()
    try:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting in ("min_duration = 0", "nested_statements = on", "analyze = on", "timing = off",
                            "format = json", "level = notice"):  # fmt: skip
                cursor.execute(f"SET LOCAL auto_explain.log_{setting}")  # for this test's transaction
            Innovation.objects.filter(pk__in=[d.pk for d in drafts]).update(
                status=Status.PUBLISHED, published_at=timezone.now()
            )
    finally:
        connection.connection.notices = []
    joins = [plan for plan in collected.plans if "old_rows o JOIN new_rows n" in plan["text"]]
    assert joins, "auto_explain sent no plan of the join"
    assert max(n for plan in joins for n in _removed_by_join_filters(plan)) <= len(drafts)
    # and the figures moved as they should: the one adoption now counts.
    assert AdoptionFigure.objects.get(icb_id=adopted.icb_id, kind="status", key=adopted.status).n == 1
