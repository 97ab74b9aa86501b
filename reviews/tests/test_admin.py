from reviews.models import Publication
from reviews.tests.factories import make_publication, make_recommendation


def test_the_changelist_runs_a_fixed_number_of_queries(admin_client, db, django_assert_max_num_queries):
    for _ in range(3):
        make_recommendation(publication=make_publication())
    with django_assert_max_num_queries(8):
        response = admin_client.get("/admin/reviews/publication/")
    assert response.status_code == 200


def test_staff_can_add_a_publication_whose_body_is_cleaned_on_display(admin_client, client, db):
    response = admin_client.post(
        "/admin/reviews/publication/add/",
        {
            "title": "New report",
            "slug": "new-report",
            "kind": "report",
            "published_on": "2025-05-01",
            "authors": "A network",
            "summary": "What we found.",
            "body": "Safe <script>alert(1)</script>text",
            "external_url": "",
            "status": "published",
            "confidence_note": "",
            "recommendations-TOTAL_FORMS": "0",
            "recommendations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Publication.objects.get(slug="new-report").kind == "report"
    html = client.get("/publications/new-report/").content.decode()
    assert "<p>Safe text</p>" in html
    assert "alert(1)" not in html
