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
