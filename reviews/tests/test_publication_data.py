from django.forms.models import model_to_dict
from django.utils.html import escape

from hinportal.lib.workflow import Status
from innovations.choices import ProgrammeKind, Scope
from innovations.models import Programme
from reviews.models import Publication, Recommendation
from reviews.services import load_publications


def test_every_publication_loads_as_published_with_the_hewitt_review_first(catalogue_data):
    load_publications()
    real = Publication.objects.published().filter(is_demo=False)
    assert real.count() == 6
    assert real.order_by("-published_on").first().slug == "hewitt-review"
    assert set(real.values_list("kind", flat=True)) == {"review", "plan", "strategy", "report", "guidance"}


def test_the_hewitt_recommendation_is_answered_by_the_national_programmes(catalogue_data):
    load_publications()
    recommendation = Recommendation.objects.get(publication__slug="hewitt-review")
    assert "import" in recommendation.text and "wider pool" in recommendation.text
    national = Programme.objects.filter(scope=Scope.NATIONAL, status=Status.PUBLISHED)
    assert set(recommendation.programmes.all()) == set(national.exclude(kind=ProgrammeKind.SAFETY))
    hewitt = Publication.objects.get(slug="hewitt-review")
    assert hewitt.icbs.count() == 42
    assert hewitt.networks.count() == 15


def test_publications_link_the_innovations_they_concern(catalogue_data):
    load_publications()
    plan = Publication.objects.get(slug="nhs-long-term-plan")
    assert "urolift" in set(plan.innovations.values_list("slug", flat=True))


def test_loading_twice_changes_nothing(catalogue_data):
    load_publications()

    def snapshot() -> list:
        return [model_to_dict(p, exclude=["search_vector"]) for p in Publication.objects.order_by("pk")] + [
            model_to_dict(r) for r in Recommendation.objects.order_by("pk")
        ]

    before = snapshot()
    load_publications()
    assert snapshot() == before


def test_the_hewitt_page_separates_what_answers_it_from_the_earlier_work_it_builds_on(client, catalogue_data):
    load_publications()
    html = client.get("/publications/hewitt-review/").content.decode()
    answering_part, earlier_part = html.split("Earlier work that the review builds on")
    answering_part = answering_part.split("Answered by")[1]
    earlier_part = earlier_part.split("</ul>")[0]
    hewitt = Publication.objects.get(slug="hewitt-review").published_on
    for programme in Programme.objects.filter(scope=Scope.NATIONAL).exclude(kind=ProgrammeKind.SAFETY):
        name = escape(programme.name)
        over_before = programme.ends_on is not None and programme.ends_on < hewitt
        assert (name in earlier_part) == over_before, programme.name
        assert (f">{name}</a>" in answering_part) == (not over_before), programme.name
    for programme in Programme.objects.filter(kind=ProgrammeKind.SAFETY):
        assert escape(programme.name) not in html
    assert "Programmes that had ended before April 2023." in earlier_part
    assert "(programme, April 2018 to March 2020)" in earlier_part
