import csv
from pathlib import Path

from django.forms.models import model_to_dict

from hinportal.lib.workflow import Status
from innovations.models import Innovation, InnovationFact, NiceGuidance, Programme
from innovations.services import load_catalogue

SHARED = Path(__file__).resolve().parents[2] / "innovations" / "data"


def test_every_real_programme_and_product_is_published(catalogue_data):
    assert Programme.objects.published().count() == 12
    assert set(Programme.objects.values_list("short_name", flat=True)) >= {"PReCePT", "ESCAPE-pain", "FREED", "InHIP"}
    assert Innovation.objects.published().filter(is_demo=False).count() == 26
    for product in ("UroLift", "HeartFlow FFRct", "Endocuff Vision", "High-sensitivity troponin tests"):
        assert Innovation.objects.get(name=product).status == Status.PUBLISHED


def test_products_carry_their_nice_references(catalogue_data):
    assert [g.code for g in NiceGuidance.objects.filter(innovation__slug="urolift")] == ["MTG58"]
    lipids = Innovation.objects.get(slug="lipid-management-secondary-prevention")
    assert sorted(g.code for g in lipids.nice_guidance.all()) == ["TA393", "TA394", "TA733"]
    assert lipids.programmes.get().short_name == "Lipids"
    assert NiceGuidance.objects.get(innovation__slug="high-sensitivity-troponin-tests").url == (
        "https://www.nice.org.uk/guidance/dg40"
    )


def test_national_programmes_include_every_network_and_their_leads(catalogue_data):
    precept = Programme.objects.get(short_name="PReCePT")
    assert precept.networks.count() == 15
    assert precept.lead_network.code == "HI-WEST"


def test_loading_twice_changes_nothing(catalogue_data):
    def snapshot() -> list:
        return (
            [model_to_dict(i, exclude=["search_vector"]) for i in Innovation.objects.order_by("pk")]
            + [model_to_dict(p) for p in Programme.objects.order_by("pk")]
            + list(NiceGuidance.objects.order_by("pk").values())
        )

    before = snapshot()
    load_catalogue()
    assert snapshot() == before


def test_the_data_files_name_only_known_vocabulary():
    from innovations.choices import CareSetting, Category, ClinicalArea, Core20Plus5

    with open(SHARED / "innovations.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            assert row["category"] in Category.values
            assert all(v in ClinicalArea.values for v in row["clinical_areas"].split(";") if v)
            assert all(v in CareSetting.values for v in row["care_settings"].split(";") if v)
            assert all(v in Core20Plus5.values for v in row["core20plus5"].split(";") if v)


def test_real_innovations_carry_their_facts_with_sources_and_recalled_ones_say_so(client, catalogue_data):
    facts = InnovationFact.objects.all()
    assert facts.count() >= 100
    assert all(fact.source_url.startswith("http") for fact in facts.filter(confidence="verified"))
    # Every real innovation with a fact shows its innovator, linked to where it was read.
    html = client.get("/innovations/securacath/").content.decode()
    assert "Interrad Medical" in html
    securacath = facts.get(innovation__slug="securacath", kind="innovator")
    assert f'href="{securacath.source_url}"' in html
    assert "Facts and where they come from" in html
    # A recalled fact is labelled wherever the public sees it.
    recalled = facts.filter(confidence="recalled").select_related("innovation").first()
    page = client.get(recalled.innovation.get_absolute_url()).content.decode()
    label = '<strong class="nhsuk-tag nhsuk-tag--orange">Not yet confirmed</strong>'
    assert recalled.value[:40] in page and label in page
    assert label not in html


def test_loading_the_facts_again_keeps_corrections(catalogue_data):
    fact = InnovationFact.objects.get(innovation__slug="securacath", kind="innovator")
    fact.value = "Interrad Medical Inc"
    fact.save()
    assert load_catalogue().created["innovation facts"] == 0
    fact.refresh_from_db()
    assert fact.value == "Interrad Medical Inc"


def test_nice_references_are_the_current_ones_from_the_facts(catalogue_data):
    codes = {
        slug: sorted(NiceGuidance.objects.filter(innovation__slug=slug).values_list("kind", "number"))
        for slug in ("plgf-based-testing", "greenlight-xps", "feno-testing", "cladribine-tablets")
    }
    assert codes["plgf-based-testing"] == [("DG", 49)]  # DG23 was replaced by DG49
    assert codes["greenlight-xps"] == [("MTG", 74)]  # MTG29 was updated as MTG74
    assert codes["feno-testing"] == [("DG", 12)]  # no longer "NICE guidance: None"
    assert codes["cladribine-tablets"] == [("TA", 616), ("TA", 1053)]
