import csv
from pathlib import Path

from django.forms.models import model_to_dict

from hinportal.lib.workflow import Status
from innovations.choices import SUPPORTIVE, EvidenceType, NiceRecommendation, ProgrammeKind
from innovations.models import EvidenceItem, Innovation, InnovationFact, NiceGuidance, Programme
from innovations.services import load_catalogue
from innovations.tests.factories import adopt_in
from networks.tests.factories import make_icb, make_network

SHARED = Path(__file__).resolve().parents[2] / "innovations" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(SHARED / name, newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_real_programme_scheme_and_product_is_published(catalogue_data):
    assert Programme.objects.published().count() == len(_rows("programmes.csv")) == 29
    assert set(Programme.objects.values_list("short_name", flat=True)) >= {
        "PReCePT",
        "FREED",
        "InHIP",
        "MTFM",
        "RUP",
        "NIA",
        "CVD portfolio",
        "Martha's Rule",
    }
    # The curated 26 and the UCLPartners frameworks, every NICE medtech and diagnostics guidance
    # subject and every NHS Innovation Accelerator innovation: several times the first catalogue.
    subjects = {r["slug"] for r in _rows("innovations.csv")}
    subjects |= {r["innovation"] for r in _rows("nice_guidance.csv")} | {
        r["innovation"] for r in _rows("nia_innovations.csv")
    }
    real = Innovation.objects.published().filter(is_demo=False)
    assert set(real.values_list("slug", flat=True)) == subjects
    assert real.count() == 100
    for product in ("UroLift", "HeartFlow FFRct", "Endocuff Vision", "SeQuent Please", "Sleepio", "DrDoctor"):
        assert Innovation.objects.get(name=product).status == Status.PUBLISHED
    nice = Innovation.objects.get(slug="sequent-please")
    assert (nice.source, nice.organisation) == ("NICE medical technologies guidance MTG1", "B Braun Medical")
    assert nice.source_url.startswith("https://www.nice.org.uk/guidance/mtg1")


def test_a_recalled_row_loads_as_a_draft_for_its_network_to_check(reference_data, tmp_path, monkeypatch):
    for name in (
        "programmes.csv",
        "innovations.csv",
        "innovation_facts.csv",
        "nice_guidance.csv",
        "nia_innovations.csv",
    ):
        rows = _rows(name)
        if name == "nia_innovations.csv":
            rows[0]["confidence"] = "recalled"
        with open(tmp_path / name, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    monkeypatch.setattr("innovations.services.DATA_DIR", tmp_path)
    load_catalogue()
    recalled = Innovation.objects.get(slug=_rows("nia_innovations.csv")[0]["innovation"])
    assert (recalled.status, recalled.published_at) == (Status.DRAFT, None)
    assert Innovation.objects.published().filter(is_demo=False).count() == 99


def test_schemes_list_their_products_and_programmes_carry_the_corrections(client, catalogue_data):
    mandate = Programme.objects.get(slug="medtech-funding-mandate")
    assert mandate.kind == ProgrammeKind.SCHEME
    assert set(mandate.innovations.values_list("slug", flat=True)) >= {"urolift", "securacath", "plgf-based-testing"}
    page = client.get(mandate.get_absolute_url()).content.decode()
    assert "National support scheme" in page and "MedTech Funding Mandate 2022/23." in page
    assert set(Programme.objects.get(slug="rapid-uptake-products").innovations.values_list("slug", flat=True)) >= {
        "cladribine-tablets",
        "feno-testing",
    }
    # Lipids ran from October 2020 to March 2023, led by HI-NENC (the newer facts win).
    lipids = Programme.objects.get(short_name="Lipids")
    assert (str(lipids.starts_on), str(lipids.ends_on), lipids.lead_network.code) == (
        "2020-10-01",
        "2023-03-31",
        "HI-NENC",
    )
    page = client.get(lipids.get_absolute_url()).content.decode()
    assert "October 2020 to March 2023" in page and f'href="{lipids.source_url}"' in page
    # What was not read in a source says so publicly.
    assert "Not yet confirmed" in client.get("/programmes/rapid-uptake-products/").content.decode()


def test_products_carry_their_nice_references(catalogue_data):
    urolift = {g.code: g for g in NiceGuidance.objects.filter(innovation__slug="urolift")}
    assert set(urolift) == {"MTG26", "MTG58"}
    assert urolift["MTG26"].recommendation == NiceRecommendation.REPLACED
    assert urolift["MTG58"].recommendation == NiceRecommendation.RECOMMENDED
    assert urolift["MTG58"].confidence_note == "Not read in the source: year recalled."
    lipids = Innovation.objects.get(slug="lipid-management-secondary-prevention")
    assert sorted(g.code for g in lipids.nice_guidance.all()) == ["TA393", "TA394", "TA733"]
    assert lipids.programmes.get(kind=ProgrammeKind.PROGRAMME).short_name == "Lipids"
    assert NiceGuidance.objects.get(innovation__slug="high-sensitivity-troponin-tests", number=40).url == (
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

    for name in ("innovations.csv", "nice_guidance.csv", "nia_innovations.csv"):
        for row in _rows(name):
            assert row["category"] in Category.values
            assert all(v in ClinicalArea.values for v in row["clinical_areas"].split(";") if v)
            assert all(v in CareSetting.values for v in row["care_settings"].split(";") if v)
            assert all(v in Core20Plus5.values for v in row.get("core20plus5", "").split(";") if v)


def test_real_innovations_carry_their_facts_with_sources_and_recalled_ones_say_so(client, catalogue_data):
    facts = InnovationFact.objects.all()
    assert facts.count() >= 200
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


def test_every_real_innovation_shows_its_innovator_and_evidence_or_guidance_with_a_source(client, catalogue_data):
    nia_only = (
        {r["innovation"] for r in _rows("nia_innovations.csv")}
        - {r["innovation"] for r in _rows("nice_guidance.csv")}
        - {r["slug"] for r in _rows("innovations.csv")}
    )
    for innovation in Innovation.objects.filter(is_demo=False).prefetch_related("facts", "nice_guidance", "evidence"):
        html = client.get(innovation.get_absolute_url()).content.decode()
        assert "Innovator</dt>" in html, innovation.slug
        if innovation.slug in nia_only:
            # Listed by the NHS Innovation Accelerator: that listing is its source until a network adds evidence.
            scheme = innovation.facts.get(kind=InnovationFact.Kind.SCHEME)
            assert f'href="{scheme.source_url}"' in html, innovation.slug
            continue
        innovator = innovation.organisation or [f for f in innovation.facts.all() if f.kind == "innovator"]
        assert innovator, innovation.slug
        sources = [g.url for g in innovation.nice_guidance.all()] + [e.url for e in innovation.evidence.all() if e.url]
        assert sources, innovation.slug
        assert any(f'href="{url}"' in html for url in sources), innovation.slug


def test_evaluations_are_evidence_items_and_the_proven_rule_reads_them(catalogue_data, world):
    escape_pain = Innovation.objects.get(slug="escape-pain")
    kinds = set(escape_pain.evidence.values_list("kind", flat=True))
    assert kinds == {EvidenceType.RCT, EvidenceType.REAL_WORLD}
    assert not escape_pain.facts.filter(kind=InnovationFact.Kind.EVIDENCE).exists()
    four = ["escape-pain", "freed-early-intervention-eating-disorders", "pincer", "feno-testing"]
    # The facts give each of the four a real-world evaluation (FeNO testing also NICE DG12), so each is
    # proven once three integrated care systems have adopted it, and not before.
    assert not Innovation.objects.filter(slug__in=four).proven().exists()
    icbs = [make_icb(network=make_network()) for _ in range(3)]
    for innovation in Innovation.objects.filter(slug__in=four):
        adopt_in(innovation, icbs)
    assert set(Innovation.objects.filter(slug__in=four).proven().values_list("slug", flat=True)) == set(four)
    # Guidance that does not recommend the innovation does not make it proven.
    sehcat = Innovation.objects.get(slug="sehcat")
    adopt_in(sehcat, icbs)
    assert {g.recommendation for g in sehcat.nice_guidance.all()} == {"replaced", "not-recommended"}
    assert not Innovation.objects.filter(pk=sehcat.pk).proven().exists()


def test_loading_the_facts_again_keeps_corrections(catalogue_data):
    fact = InnovationFact.objects.get(innovation__slug="securacath", kind="innovator")
    fact.value = "Interrad Medical Inc"
    fact.save()
    item = EvidenceItem.objects.get(fact_key="escape-pain-evidence-1")
    item.title = "Corrected title"
    item.save()
    result = load_catalogue()
    assert result.created["innovation facts"] == result.created["evidence items"] == 0
    fact.refresh_from_db()
    item.refresh_from_db()
    assert (fact.value, item.title) == ("Interrad Medical Inc", "Corrected title")


def test_nice_references_are_the_current_ones_from_the_facts(catalogue_data):
    def current(slug: str) -> list[tuple[str, int]]:
        guidance = NiceGuidance.objects.filter(innovation__slug=slug, recommendation__in=SUPPORTIVE)
        return sorted(guidance.values_list("kind", "number"))

    assert current("plgf-based-testing") == [("DG", 49)]  # DG23 was replaced by DG49
    assert current("greenlight-xps") == [("MTG", 74)]  # MTG29 was updated as MTG74
    assert current("feno-testing") == [("DG", 12)]  # no longer "NICE guidance: None"
    assert current("cladribine-tablets") == [("TA", 616), ("TA", 1053)]


def test_a_subject_with_several_guidance_documents_names_its_innovator_once(catalogue_data):
    facts = InnovationFact.objects.values_list("innovation__slug", "kind", "value")
    assert len(facts) == len(set(facts))
    # SeHCAT: DG7 (replaced) and DG44 both name GE Healthcare.
    assert InnovationFact.objects.filter(innovation__slug="sehcat", kind="innovator").count() == 1
    assert InnovationFact.objects.filter(innovation__slug="mycopd", kind="innovator").count() == 1
