import pytest

from hinportal.lib.search.ranking import Search
from innovations.models import Innovation
from innovations.tests.factories import adopt_in, make_innovation, make_programme


@pytest.mark.parametrize(
    "path", ["/admin/innovations/innovation/", "/admin/innovations/adoption/", "/admin/innovations/programme/"]
)
def test_changelists_run_a_fixed_number_of_queries(admin_client, world, django_assert_max_num_queries, path):
    icbs = [world.icb, world.icb2, world.other_icb]
    for _ in range(3):
        innovation = make_innovation()
        adopt_in(innovation, icbs)
        make_programme(innovations=[innovation])
    # session, user, filtered count, rows with their relations, and the filter sidebars
    with django_assert_max_num_queries(10):
        response = admin_client.get(path)
    assert response.status_code == 200


def test_staff_can_add_an_innovation_with_its_guidance(admin_client, world):
    response = admin_client.post(
        "/admin/innovations/innovation/add/",
        {
            "name": "New device",
            "slug": "new-device",
            "summary": "Does good.",
            "description": "",
            "organisation": "",
            "website": "",
            "lead_network": "",
            "category": "medical-device",
            "clinical_areas": "urology",
            "stage": "evidence",
            "evidence_tier": "",
            "support_scheme": "",
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "confidence_note": "",
            "source": "",
            "source_url": "",
            "unconfirmed": "",
            "nice_guidance-TOTAL_FORMS": "1",
            "nice_guidance-INITIAL_FORMS": "0",
            "nice_guidance-0-kind": "MTG",
            "nice_guidance-0-number": "58",
            "nice_guidance-0-recommendation": "recommended",
            "nice_guidance-0-year": "2021",
            "nice_guidance-0-source_url": "",
            "nice_guidance-0-confidence": "verified",
            "nice_guidance-0-confidence_note": "",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    innovation = Innovation.objects.get(slug="new-device")
    assert [g.code for g in innovation.nice_guidance.all()] == ["MTG58"]
    assert Innovation.objects.filter(Search("mtg58", semantic=False).matches(Innovation)).get() == innovation


def test_multi_value_fields_are_labelled_checkboxes_in_the_staff_screens(admin_client, world):
    html = admin_client.get("/admin/innovations/innovation/add/").content.decode()
    for name, value, label in (
        ("clinical_areas", "cancer", "Cancer"),
        ("care_settings", "primary-care", "Primary care"),
        ("core20plus5", "hypertension-case-finding", "Hypertension case-finding"),
    ):
        assert f'type="checkbox" name="{name}" value="{value}"' in html, name
        assert f"{label}</label>" in html, name
    innovation = make_innovation()
    response = admin_client.get(f"/admin/innovations/innovation/{innovation.pk}/change/")
    assert 'name="clinical_areas" value="cancer"' in response.content.decode()
