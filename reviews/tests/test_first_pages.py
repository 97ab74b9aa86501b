"""What a newcomer meets first on the data `make run` loads: the real records, then the generated ones."""

from django.core.management import call_command

from conftest import result_titles
from innovations.models import Innovation
from reviews.models import Publication


def test_the_first_pages_of_innovations_and_publications_show_real_records(client, catalogue_data):
    from reviews.services import load_publications

    load_publications()
    call_command("seed_demo", innovations=300, seed=1, verbosity=0)
    real_innovations = set(Innovation.objects.filter(is_demo=False).values_list("name", flat=True))
    first = result_titles(client.get("/innovations/"))
    assert len(first) == 20 and set(first) <= real_innovations
    real_publications = list(
        Publication.objects.filter(is_demo=False).order_by("-published_on").values_list("title", flat=True)
    )
    shown = result_titles(client.get("/publications/"))
    assert shown[: len(real_publications)] == real_publications
    assert Publication.objects.filter(is_demo=True, title=shown[len(real_publications)]).exists()


def test_a_networks_page_lists_its_real_publications_before_newer_case_studies(client, world):
    from reviews.tests.factories import make_publication

    make_publication(title="Generated case study", days_ago=1, networks=[world.network], is_demo=True)
    make_publication(title="Real report", days_ago=400, networks=[world.network])
    html = client.get(world.network.get_absolute_url()).content.decode()
    assert html.index("Real report") < html.index("Generated case study")
