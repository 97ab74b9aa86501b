"""Each system's gap list and peers are kept in a table: every write they depend on is noted by the
database, the task worker works them out again, pages show them as they were until then, and a page
works one out itself only when there is none or the worker has fallen behind."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hinportal.lib.page_cache import public_version
from innovations import gap_lists
from innovations.models import GapList, GapListChange, Innovation
from innovations.tests.factories import adopt_in, make_adoption, make_evidence, make_guidance, make_innovation
from networks.tests.factories import make_icb

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def systems(world):
    """Three more systems, so that an innovation adopted in three of them is proven."""
    return [make_icb(short_name=f"Elsewhere {n}") for n in range(3)]


def proven(name: str, systems) -> Innovation:
    innovation = make_innovation(name=name)
    make_guidance(innovation=innovation)
    adopt_in(innovation, systems)
    return innovation


def kept(icb) -> GapList:
    return GapList.objects.get(pk=icb.pk)


def gap_names(client, icb) -> list[str]:
    html = client.get(f"/ics/{icb.slug}/proven-elsewhere/").content.decode()
    shown = [name for name in Innovation.objects.values_list("name", flat=True) if f">{name}<" in html]
    return sorted(shown, key=lambda name: html.index(f">{name}<"))


def test_the_first_page_to_need_a_list_works_it_out_and_keeps_it(client, world, systems):
    widely = proven("Widely adopted", [*systems, world.icb2])
    less = proven("Less widely adopted", systems)
    assert not GapList.objects.exists()
    assert gap_names(client, world.icb) == ["Widely adopted", "Less widely adopted"]
    assert kept(world.icb).innovation_ids == [widely.pk, less.pk]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda i, icb: make_adoption(innovation=i, icb=icb), id="adoption"),
        pytest.param(lambda i, icb: Innovation.objects.filter(pk=i.pk).update(name="Renamed"), id="bulk update"),
        pytest.param(lambda i, icb: make_evidence(innovation=i), id="evidence"),
        pytest.param(lambda i, icb: i.nice_guidance.all().delete(), id="guidance removed"),
    ],
)
def test_every_write_the_lists_depend_on_is_noted(world, systems, write):
    innovation = proven("Falls app", systems)
    gap_lists.refresh(everything=True)
    assert gap_lists.pending_since() is None
    write(innovation, world.icb)
    assert gap_lists.pending_since() is not None
    assert GapListChange.objects.count() == 1  # once for the whole transaction


def test_a_write_in_raw_sql_is_noted_too(world, systems):
    innovation = proven("Falls app", systems)
    gap_lists.refresh(everything=True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM innovations_evidenceitem WHERE innovation_id = %s", [innovation.pk])
    assert gap_lists.pending_since() is not None


def test_a_stale_list_is_shown_as_it_was_until_the_worker_works_it_out_again(client, settings, world, systems):
    settings.TASKS = DATABASE_QUEUE
    proven("Falls app", systems)
    gap_lists.refresh(everything=True)
    proven("Virtual ward", [*systems, world.icb2])
    assert gap_names(client, world.icb) == ["Falls app"]  # the last list, while the worker is busy
    queued = DBTaskResult.objects.ready().filter(task_path=gap_lists.refresh_gap_lists.module_path)
    assert queued.count() == 1
    cache.delete("gap-lists:queued")
    gap_names(client, world.icb2)  # another page finding them stale does not queue a second refresh
    assert queued.count() == 1

    before = public_version()
    gap_lists.refresh()  # what the worker runs
    assert public_version() > before  # kept pages showing the old list are retired
    assert gap_names(client, world.icb) == ["Virtual ward", "Falls app"]
    assert gap_lists.pending_since() is None


def test_an_adopted_innovation_leaves_the_page_at_once_before_the_worker_has_run(client, settings, world, systems):
    settings.TASKS = DATABASE_QUEUE
    proven("Falls app", systems)
    proven("Virtual ward", systems)
    gap_lists.refresh(everything=True)
    make_adoption(innovation=Innovation.objects.get(name="Falls app"), icb=world.icb)
    assert gap_names(client, world.icb) == ["Virtual ward"]


def test_a_refresh_that_changes_nothing_leaves_kept_pages_alone(world, systems):
    proven("Falls app", systems)
    gap_lists.refresh(everything=True)
    Innovation.objects.filter(name="Falls app").update(summary="Said another way")
    before = public_version()
    assert gap_lists.refresh() == 0
    assert public_version() == before
    assert gap_lists.pending_since() is None


def test_committed_writes_queue_one_refresh(client, settings, world, systems, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proven("Falls app", systems)
    queued = DBTaskResult.objects.ready().filter(task_path=gap_lists.refresh_gap_lists.module_path)
    assert queued.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_evidence(innovation=Innovation.objects.get(name="Falls app"))
    assert queued.count() == 1  # one is waiting already

    # A worker has taken it (and may have read the catalogue already): the next write asks again,
    # even moments after a page asked.
    gap_names(client, world.icb)
    queued.update(status=TaskResultStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        make_evidence(innovation=Innovation.objects.get(name="Falls app"))
    assert queued.count() == 1


def test_the_kept_list_is_read_a_slice_at_a_time(world, systems, django_assert_num_queries):
    made = [proven(f"Proven {n:02d}", systems) for n in range(12)]
    expected = [i.pk for i in sorted(made, key=lambda i: i.name)]
    gap_lists.refresh(everything=True)
    gaps = gap_lists.KeptGaps(world.icb)
    assert len(gaps) == 12
    with django_assert_num_queries(1):
        assert gaps[2:5] == expected[2:5]
    with django_assert_num_queries(0):
        assert gaps[2:5] == expected[2:5]  # kept until the next write
    assert gaps[0] == expected[0] and gaps[-1] == expected[-1]
    assert gaps[10:40] == expected[10:] and gaps[5:5] == []
    assert list(gaps) == expected
    with pytest.raises(IndexError):
        gaps[12]


def test_filters_keep_the_kept_order(world, systems):
    first = proven("Frailty first", [*systems, world.icb2])
    proven("Asthma", [*systems, world.icb2])
    last = make_innovation(name="Frailty last", clinical_areas=["frailty"])
    make_guidance(innovation=last)
    adopt_in(last, systems)
    Innovation.objects.filter(pk=first.pk).update(clinical_areas=["frailty"])
    gap_lists.refresh(everything=True)
    found = gap_lists.proven_elsewhere_ids(world.icb, {"clinical_area": ["frailty"]}, "frailty")
    assert found == [first.pk, last.pk]


def test_peers_are_kept_with_the_list(world, systems):
    for n in range(3):
        adopt_in(make_innovation(name=f"Shared {n}"), [world.icb, systems[0]])
    adopt_in(make_innovation(name="Only there"), [systems[1]])
    gap_lists.refresh(everything=True)
    assert kept(world.icb).peers == [[systems[0].pk, 1.0]]


def test_the_command_does_what_the_worker_does(world, systems):
    proven("Falls app", systems)
    out = StringIO()
    call_command("refresh_gap_lists", stdout=out)
    assert "Gap lists: 6 changed" in out.getvalue()  # every system lacked one
    assert gap_lists.pending_since() is None
    call_command("refresh_gap_lists", stdout=out)
    assert "Gap lists: 0 changed" in out.getvalue()
