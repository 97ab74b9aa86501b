"""The open data: every download the portal offers, each with its data dictionary, licence and
how sure each column is. The page and the reference-data CSVs are served from here; the catalogue's
own exports and feeds are listed with the query strings they accept."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from hinportal.lib.text import spreadsheet_row
from hinportal.lib.workflow import Status
from innovations.models import EvidenceItem, InnovationFact, NiceGuidance, Programme
from networks.models import HeadlineFigure, IntegratedCareBoard, Network, Region

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CONFIDENCE = "Per row: see its confidence column"
READ = "Read in the linked source"
OURS = "Written by the portal"
DEMO = "Demonstration data: generated, not real"
CONFIDENCE_COLUMNS = [
    ("confidence", "verified (read in a public source), probable, recalled (read in no source) or uncertain", OURS),
    ("confidence_note", "What in the row, in particular, is not yet confirmed", OURS),
]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    summary: str
    columns: list[tuple[str, str, str]]  # name, meaning, how sure
    rows: Callable[[], QuerySet] | None = None  # served here as CSV; None for the exports served elsewhere
    url_name: str = ""
    formats: tuple[str, ...] = ("CSV",)
    terms: str = f"{OGL} for the portal's own files. The facts link to their sources, whose own terms apply."
    notes: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else reverse("open_data_csv", args=[self.slug])

    @property
    def csv_columns(self) -> list[str]:
        return [name for name, _, _ in self.columns]


# The catalogue's columns, as innovations.views writes them in its CSV and JSON exports.
CATALOGUE_COLUMNS = [
    ("name", "The innovation's name", READ),
    ("url", "Its page on this portal", OURS),
    ("summary", "One line on what it does", OURS),
    ("organisation", "Its innovator or company", READ),
    ("category", "Category (medical-device, digital, model-of-care...)", OURS),
    ("clinical_areas", "Clinical areas, as codes", OURS),
    ("care_settings", "Care settings, as codes", OURS),
    ("stage", "Discovery, development, evidence, adoption or spread", OURS),
    ("nice_guidance", "NICE guidance references, such as MTG58", READ),
    ("evidence_tier", "NICE evidence standards tier (digital only)", OURS),
    ("core20plus5", "Core20PLUS5 groups it serves, as codes", OURS),
    ("lead_network", "The network that leads its spread, if any", READ),
    ("adopted_icb_count", "Integrated care systems that have adopted it", DEMO),
    ("proven", "Meets the portal's proven rule (which counts adoptions)", DEMO),
    ("published_at", "When it was published on the portal", OURS),
    ("source", "Where a real record comes from (NICE guidance, the NHS Innovation Accelerator...)", OURS),
    ("source_url", "The page it was read on", READ),
    ("demonstration_data", "true when the whole record was generated for demonstration", OURS),
]

DATASETS = [
    Dataset(
        "catalogue",
        "The innovation catalogue",
        "Every published innovation, real and demonstration, one row each. Add the catalogue page's "
        "filters as a query string (for example ?q=asthma&category=digital) to download a selection.",
        CATALOGUE_COLUMNS,
        url_name="innovations:export_csv",
        formats=("CSV", "JSON"),
        notes=["Adoption figures are demonstration data: real adoption per system is not yet known."],
    ),
    Dataset(
        "innovation-facts",
        "Facts about real innovations",
        "Each fact about a real innovation (innovator, products, regulatory status, national programme or "
        "scheme), with the page it was read on.",
        [
            ("innovation__slug", "The innovation's identifier (its address on this portal)", OURS),
            ("kind", "innovator, products, regulatory-status, programme or scheme", OURS),
            ("value", "The fact", READ),
            ("year", "The year it refers to, if any", CONFIDENCE),
            ("detail", "More on the fact", READ),
            ("source_url", "The page it was read on", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: InnovationFact.objects.filter(innovation__status=Status.PUBLISHED).order_by(
            "innovation__slug", "kind", "key"
        ),
    ),
    Dataset(
        "nice-guidance",
        "NICE guidance on real innovations",
        "Each NICE guidance reference on a real innovation, with NICE's recommendation and the year.",
        [
            ("innovation__slug", "The innovation's identifier", OURS),
            ("kind", "TA, MTG, DG, HTE, HST, IPG or HTG", READ),
            ("number", "The guidance number", READ),
            (
                "recommendation",
                "recommended, recommended-in-part, evidence-generation, research, "
                "not-recommended, replaced, withdrawn or unconfirmed",
                CONFIDENCE,
            ),
            ("year", "The year NICE published it", CONFIDENCE),
            ("source_url", "The NICE page it was read on", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: NiceGuidance.objects.filter(
            innovation__status=Status.PUBLISHED, innovation__is_demo=False
        ).order_by("innovation__slug", "kind", "number"),
        terms=f"{OGL} for this file. NICE's guidance itself is © NICE; reuse it under NICE's own terms.",
    ),
    Dataset(
        "evidence",
        "Evidence about real innovations",
        "Each published evaluation of a real innovation: trials, real-world evaluations, economic evaluations.",
        [
            ("innovation__slug", "The innovation's identifier", OURS),
            ("kind", "rct, non-randomised-comparative, real-world-evaluation, economic-evaluation...", READ),
            ("title", "The study or report", READ),
            ("year", "The year it was published (blank where not read)", CONFIDENCE),
            ("url", "The page it was read on", READ),
            ("summary", "What it found, in brief", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: EvidenceItem.objects.filter(
            innovation__status=Status.PUBLISHED, innovation__is_demo=False, is_demo=False
        ).order_by("innovation__slug", "-year", "title"),
        terms=f"{OGL} for this file. The studies belong to their authors and publishers.",
    ),
    Dataset(
        "programmes",
        "Programmes and national support schemes",
        "The national adoption and spread programmes, patient safety programmes and support schemes "
        "the networks deliver.",
        [
            ("slug", "The programme's identifier (its address on this portal)", OURS),
            ("name", "Its name", READ),
            ("short_name", "Its short name", READ),
            ("kind", "programme, scheme or safety", OURS),
            ("starts_on", "When it started", CONFIDENCE),
            ("ends_on", "When it ended (blank while it runs)", CONFIDENCE),
            ("lead_network__code", "The network that led it nationally, if one did", READ),
            ("commissioner", "Who commissioned or funded it", READ),
            ("key_figures", "Its published results", READ),
            ("source_url", "The page it was read on", READ),
            ("unconfirmed", "What in the row was not read in the source", OURS),
        ],
        rows=lambda: Programme.objects.published().order_by("-starts_on", "name"),
    ),
    Dataset(
        "headline-figures",
        "The networks' published impact figures",
        "Each figure as published, its period, the network (blank for all of them together) "
        "and the page it comes from.",
        [
            ("network__code", "The network's code (blank: all networks together)", READ),
            ("period", "The year or years it covers", READ),
            ("figure", "What is counted", READ),
            ("value", "The figure as published", READ),
            ("source_url", "The page it was read on", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: HeadlineFigure.objects.select_related("network").order_by("-year", "period", "figure"),
    ),
    Dataset(
        "networks",
        "Health Innovation Networks",
        "The 15 networks (Academic Health Science Networks until October 2023).",
        [
            ("code", "The portal's code for the network", OURS),
            ("name", "Its name", READ),
            ("former_name", "Its name as an Academic Health Science Network", READ),
            ("website", "Its website", READ),
            ("licensed_from", "When its current licence began", READ),
            ("licensed_until_year", "The year its licence runs to", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: Network.objects.order_by("name"),
    ),
    Dataset(
        "icbs",
        "Integrated care boards",
        "The 42 boards: codes, names, region, covering network and the dates each is valid for. "
        "Boards key on their ODS code, which stays when names change.",
        [
            ("ods_code", "NHS Organisation Data Service code (the stable key)", READ),
            ("ons_code", "Office for National Statistics code", READ),
            ("name", "Full name", READ),
            ("short_name", "Short name", OURS),
            ("region__ons_code", "Its NHS England region's ONS code", READ),
            ("region__name", "Its region", READ),
            ("network__code", "The network that covers it", READ),
            ("network__name", "That network's name", READ),
            ("valid_from", "First day it is valid for", READ),
            ("valid_to", "Last day (blank while current)", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: IntegratedCareBoard.objects.select_related("region", "network").order_by("short_name"),
    ),
    Dataset(
        "regions",
        "NHS England regions",
        "The 7 regions with their ONS and ODS codes.",
        [
            ("ons_code", "Office for National Statistics code", READ),
            ("ods_code", "NHS Organisation Data Service code", READ),
            ("name", "Name", READ),
            *CONFIDENCE_COLUMNS,
        ],
        rows=lambda: Region.objects.order_by("name"),
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS if dataset.rows}
FEEDS = [
    ("innovations:feed", "Newest innovations (Atom)", "Takes the catalogue page's filters as a query string."),
    ("reviews:feed", "Newest publications (Atom)", "Policy publications, evaluations and case studies."),
]


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    feeds = [(reverse(name), title, note) for name, title, note in FEEDS]
    context = {
        "datasets": DATASETS,
        "feeds": feeds,
        "json_url": reverse("innovations:export_json"),
        "licence": OGL,
        "licence_url": OGL_URL,
        "breadcrumbs": [("Home", "/")],
    }
    return render(request, "pages/open_data.html", context)


@require_safe
def download(request: HttpRequest, dataset: str) -> HttpResponse:
    if dataset not in BY_SLUG:
        raise Http404("No such dataset")
    chosen = BY_SLUG[dataset]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hinportal-{dataset}.csv"'
    writer = csv.writer(response)
    writer.writerow(chosen.csv_columns)
    writer.writerows(spreadsheet_row(row) for row in chosen.rows().values_list(*chosen.csv_columns))
    return response
