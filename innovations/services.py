from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from hinportal.lib.datafiles import LoadResult, read_rows, upsert
from hinportal.lib.search import synonyms
from hinportal.lib.workflow import Status
from hinportal.models import Synonym
from networks.models import Confidence, Network

from .choices import NiceGuidanceType, NiceRecommendation, ProgrammeKind, Scope, Stage
from .models import EvidenceItem, Innovation, InnovationFact, NiceGuidance, Programme

DATA_DIR = Path(__file__).resolve().parent / "data"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


NIA_SCHEME = "nhs-innovation-accelerator"
# National support schemes an innovation's support_scheme text names, by the scheme's slug.
SCHEMES = {"MedTech Funding Mandate": "medtech-funding-mandate", "Rapid Uptake Products": "rapid-uptake-products"}


def _year(value: str) -> int | None:
    return int(value) if value else None


def _confidence_of(unconfirmed: str, *words: str) -> str:
    """A fact is recalled when the row's note says the part it comes from was not read."""
    return Confidence.RECALLED if any(word in unconfirmed for word in words) else Confidence.VERIFIED


@transaction.atomic
def load_catalogue(*, update: bool = False) -> LoadResult:
    """Load the real national programmes and support schemes, the innovations they and NICE support,
    the NHS Innovation Accelerator's innovations, their NICE guidance, evidence and other facts;
    safe to run again.

    Needs the networks loaded first. Existing records are left as staff edited them unless update.
    A record whose reference row is only recalled loads as a draft, for its network to check.
    """
    result = LoadResult()
    networks = dict(Network.objects.values_list("code", "pk"))
    _load_programmes(result, networks, update=update)
    guidance = _load_innovations(result, update=update)
    _load_guidance(result, guidance, update=update)
    _load_facts(result, update=update)
    _fill_from_facts()
    return result


def _load_programmes(result: LoadResult, networks: dict[str, int], *, update: bool) -> None:
    rows = read_rows("programmes.csv", data_dir=DATA_DIR)
    programmes = [
        Programme(
            name=row["name"],
            short_name=row["short_name"],
            slug=row["slug"],
            kind=row["kind"],
            scope=row["scope"],
            starts_on=parse_date(row["starts_on"]),
            ends_on=parse_date(row["ends_on"]) if row["ends_on"] else None,
            clinical_area=row["clinical_area"],
            lead_network_id=networks.get(row["lead_network_code"]),
            commissioner=row["commissioner"],
            summary=row["summary"],
            key_figures=row["key_figures"],
            source_url=row["source_url"],
            unconfirmed=row["unconfirmed"],
            status=Status.PUBLISHED,
            confidence_note=row["confidence_note"],
        )
        for row in rows
    ]
    result.total["programmes"] = len(programmes)
    result.created["programmes"] = upsert(Programme, programmes, key="slug", update=update)
    # National programmes are delivered by every network.
    national = Programme.objects.filter(slug__in=[row["slug"] for row in rows], scope=Scope.NATIONAL)
    Programme.networks.through.objects.bulk_create(
        [
            Programme.networks.through(programme_id=programme_id, network_id=network_id)
            for programme_id in national.values_list("pk", flat=True)
            for network_id in networks.values()
        ],
        ignore_conflicts=True,
    )


def _load_innovations(result: LoadResult, *, update: bool) -> list[dict]:
    """The curated records (innovations.csv), then one per NICE medtech or diagnostics guidance subject
    (nice_guidance.csv) and per NHS Innovation Accelerator innovation (nia_innovations.csv) not
    already among them. Returns the NICE guidance rows to load."""
    now = timezone.now()
    curated = read_rows("innovations.csv", data_dir=DATA_DIR)
    nice = read_rows("nice_guidance.csv", data_dir=DATA_DIR)
    nia = read_rows("nia_innovations.csv", data_dir=DATA_DIR)

    def innovation(row: dict, **extra) -> Innovation:
        status = Status.DRAFT if row.get("confidence") == Confidence.RECALLED else Status.PUBLISHED
        return Innovation(
            name=row["name"],
            slug=row.get("slug") or row["innovation"],
            summary=row["summary"],
            category=row["category"],
            clinical_areas=_split(row["clinical_areas"]),
            care_settings=_split(row["care_settings"]),
            status=status,
            published_at=now if status == Status.PUBLISHED else None,
            created_at=now,
            **extra,
        )

    records = {
        row["slug"]: innovation(
            row,
            description=row["description"],
            core20plus5=_split(row["core20plus5"]),
            stage=Stage.SPREAD,
            support_scheme=row["support_scheme"],
            confidence_note=row["confidence_note"],
        )
        for row in curated
    }
    by_subject: dict[str, list[dict]] = {}
    for row in nice:
        by_subject.setdefault(row["innovation"], []).append(row)
    for slug, rows in by_subject.items():
        if slug in records:
            continue
        latest = rows[-1]
        kind = NiceGuidanceType(latest["guidance"].rstrip("0123456789")).label.split(" (")[0].lower()
        recommendation = NiceRecommendation(latest["recommendation"]).label.lower()
        records[slug] = innovation(
            latest,
            description=(
                f"Products: {latest['products']}. NICE assessed {'them' if ';' in latest['products'] else 'it'} "
                f"in {kind} {latest['guidance']}"
                f"{' (' + latest['year'] + ')' if latest['year'] else ''}: {recommendation}."
            ),
            organisation=latest["innovator"]
            or ("Several manufacturers: see the products NICE names" if ";" in latest["products"] else "")
            or "Not named in the guidance",
            stage=Stage.ADOPTION,
            source=f"NICE {kind} {', '.join(row['guidance'] for row in rows)}",
            source_url=latest["source_url"],
            confidence_note=f"From NICE's published guidance ({latest['confidence']}).",
        )
    for row in nia:
        if row["innovation"] in records:
            continue
        cohort = f", {row['cohort_year']} cohort" if row["cohort_year"] else ""
        records[row["innovation"]] = innovation(
            row,
            description=row["summary"],
            organisation=row["innovator"] or "Not named in the source",
            stage=Stage.SPREAD,
            support_scheme=f"NHS Innovation Accelerator{cohort}",
            source=f"NHS Innovation Accelerator{cohort}",
            source_url=row["source_url"],
            unconfirmed=row["unconfirmed"],
            confidence_note=f"From the NHS Innovation Accelerator's published lists ({row['confidence']}).",
        )
    result.total["innovations"] = len(records)
    result.created["innovations"] = upsert(Innovation, list(records.values()), key="slug", update=update)

    ids = dict(Innovation.objects.filter(slug__in=records).values_list("slug", "pk"))
    programmes = dict(Programme.objects.values_list("short_name", "pk"))
    schemes = dict(Programme.objects.filter(slug__in=[*SCHEMES.values(), NIA_SCHEME]).values_list("slug", "pk"))
    links = [(programmes[name], ids[row["slug"]]) for row in curated for name in _split(row["programmes"])]
    links += [
        (schemes[slug], ids[row["slug"]])
        for row in curated
        for scheme, slug in SCHEMES.items()
        if scheme in row["support_scheme"]
    ]
    links += [(schemes[NIA_SCHEME], ids[row["innovation"]]) for row in nia]
    Programme.innovations.through.objects.bulk_create(
        [Programme.innovations.through(programme_id=p, innovation_id=i) for p, i in links], ignore_conflicts=True
    )

    # The curated records' guidance codes (mostly technology appraisals), then NICE's medtech and
    # diagnostics guidance with its recommendation, year and source.
    guidance = {
        (row["slug"], code): {"innovation": row["slug"], "guidance": code, "recommendation": "recommended"}
        for row in curated
        for code in _split(row["nice_guidance"])
    }
    guidance.update({(row["innovation"], row["guidance"]): row for row in nice})
    return [dict(row, innovation_id=ids[row["innovation"]]) for row in guidance.values()]


def _load_guidance(result: LoadResult, rows: list[dict], *, update: bool) -> None:
    items = []
    for row in rows:
        code = row["guidance"]
        kind = code.rstrip("0123456789")
        item = NiceGuidance(
            innovation_id=row["innovation_id"],
            kind=kind,
            number=int(code[len(kind) :]),
            recommendation=row["recommendation"],
            year=_year(row.get("year", "")),
            source_url=row.get("source_url") or f"https://www.nice.org.uk/guidance/{code.lower()}",
            confidence=row.get("confidence") or Confidence.VERIFIED,
            confidence_note=_unconfirmed_note(row.get("unconfirmed", "")),
        )
        item.full_clean(exclude=["innovation"], validate_unique=False, validate_constraints=False)
        items.append(item)
    key = ["innovation", "kind", "number"]
    existing = NiceGuidance.objects.filter(innovation__in={i.innovation_id for i in items}).count()
    fields = ["recommendation", "year", "source_url", "confidence", "confidence_note"]
    if not update:
        # Rows never filled from the files (loaded before they carried a recommendation) are filled now;
        # rows staff have edited are kept.
        unfilled = set(NiceGuidance.objects.filter(source_url="").values_list("innovation_id", "kind", "number"))
        NiceGuidance.objects.bulk_create(
            [i for i in items if (i.innovation_id, i.kind, i.number) in unfilled],
            update_conflicts=True,
            unique_fields=key,
            update_fields=fields,
        )
        NiceGuidance.objects.bulk_create(items, ignore_conflicts=True)
    else:
        NiceGuidance.objects.bulk_create(items, update_conflicts=True, unique_fields=key, update_fields=fields)
    result.total["NICE guidance"] = len(items)
    result.created["NICE guidance"] = (
        NiceGuidance.objects.filter(innovation__in={i.innovation_id for i in items}).count() - existing
    )


def _unconfirmed_note(unconfirmed: str) -> str:
    return f"Not read in the source: {unconfirmed}." if unconfirmed else ""


def _load_facts(result: LoadResult, *, update: bool) -> None:
    """Facts about real innovations, each with its source; evaluations become evidence items."""
    slugs = dict(Innovation.objects.filter(is_demo=False).values_list("slug", "pk"))
    rows = read_rows("innovation_facts.csv", data_dir=DATA_DIR)
    facts = [
        InnovationFact(
            key=row["key"],
            innovation_id=slugs[row["innovation"]],
            kind=row["kind"],
            value=row["value"],
            year=_year(row["year"]),
            detail=row["detail"],
            source_url=row["source_url"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in rows
        if row["kind"] != InnovationFact.Kind.EVIDENCE
    ]
    # Innovator and products as NICE names them, where the curated facts do not already say.
    curated = {(row["innovation"], row["kind"]) for row in rows}
    seen: set[tuple[str, str, str]] = set()
    for row in read_rows("nice_guidance.csv", data_dir=DATA_DIR):
        code = row["guidance"].lower()
        for kind, value, words in (
            (InnovationFact.Kind.INNOVATOR, row["innovator"], ("compan",)),
            (InnovationFact.Kind.PRODUCTS, row["products"], ("product",)),
        ):
            # One innovator per subject (the first guidance naming one); each distinct product list.
            once = (row["innovation"], kind, "" if kind == InnovationFact.Kind.INNOVATOR else value)
            if value and (row["innovation"], kind.value) not in curated and once not in seen:
                seen.add(once)
                confidence = _confidence_of(row["unconfirmed"], *words)
                facts.append(
                    InnovationFact(
                        key=f"{row['innovation']}-{kind}-{code}",
                        innovation_id=slugs[row["innovation"]],
                        kind=kind,
                        value=value,
                        detail=f"As named in NICE {row['guidance']}",
                        source_url=row["source_url"],
                        confidence=confidence,
                        confidence_note="" if confidence == Confidence.VERIFIED else row["unconfirmed"],
                    )
                )
    for row in read_rows("nia_innovations.csv", data_dir=DATA_DIR):
        cohort = f"{row['cohort_year']} cohort" if row["cohort_year"] else "cohort year not read"
        facts.append(
            InnovationFact(
                key=f"{row['innovation']}-scheme-nia",
                innovation_id=slugs[row["innovation"]],
                kind=InnovationFact.Kind.SCHEME,
                value=f"NHS Innovation Accelerator, {cohort}",
                year=_year(row["cohort_year"]),
                detail=f"Fellow: {row['fellow']}" if row["fellow"] else "",
                source_url=row["source_url"],
                confidence=Confidence.VERIFIED,
            )
        )
        innovator = (row["innovation"], InnovationFact.Kind.INNOVATOR, "")
        if (
            row["innovator"]
            and (row["innovation"], InnovationFact.Kind.INNOVATOR.value) not in curated
            and (innovator not in seen)
        ):
            confidence = _confidence_of(row["unconfirmed"], "compan", "organisation")
            facts.append(
                InnovationFact(
                    key=f"{row['innovation']}-innovator-nia",
                    innovation_id=slugs[row["innovation"]],
                    kind=InnovationFact.Kind.INNOVATOR,
                    value=row["innovator"],
                    detail="As listed by the NHS Innovation Accelerator",
                    source_url=row["source_url"],
                    confidence=confidence,
                    confidence_note="" if confidence == Confidence.VERIFIED else row["unconfirmed"],
                )
            )
    result.total["innovation facts"] = len(facts)
    result.created["innovation facts"] = upsert(InnovationFact, facts, key="key", update=update)

    evidence = [
        EvidenceItem(
            fact_key=row["key"],
            innovation_id=slugs[row["innovation"]],
            kind=row["evidence_type"],
            title=row["value"],
            year=_year(row["year"]),
            url=row["source_url"],
            summary=row["detail"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in rows
        if row["kind"] == InnovationFact.Kind.EVIDENCE
    ]
    # Loaded before evaluations became evidence items: no longer facts.
    InnovationFact.objects.filter(key__in=[item.fact_key for item in evidence]).delete()
    result.total["evidence items"] = len(evidence)
    result.created["evidence items"] = upsert(EvidenceItem, evidence, key="fact_key", update=update)


def _fill_from_facts() -> None:
    """Fill what a record leaves blank from its facts: its innovator, and as lead network the
    network that led the national programme spreading it."""
    for innovation in Innovation.objects.filter(is_demo=False, organisation="").prefetch_related("facts"):
        names = [f.value for f in innovation.facts.all() if f.kind == InnovationFact.Kind.INNOVATOR]
        if names:
            Innovation.objects.filter(pk=innovation.pk).update(organisation="; ".join(names)[:200])
    leads = (
        Programme.innovations.through.objects.filter(
            innovation__is_demo=False,
            innovation__lead_network__isnull=True,
            programme__lead_network__isnull=False,
            programme__kind=ProgrammeKind.PROGRAMME,
        )
        .order_by("innovation_id", "programme__starts_on")
        .values_list("innovation_id", "programme__lead_network_id")
    )
    for innovation_id, network_id in dict(reversed(list(leads))).items():
        Innovation.objects.filter(pk=innovation_id).update(lead_network_id=network_id)


@transaction.atomic
def load_synonyms(*, update: bool = False) -> LoadResult:
    """Load the seed synonyms (clinical abbreviations and lay terms in the catalogue's areas).

    A term staff have already added or edited is left as it is unless update. Every process's
    search sees the change at its next query (hinportal.lib.search.synonyms).
    """
    result = LoadResult()
    rows = read_rows("synonyms.csv", data_dir=DATA_DIR)
    existing = {synonym.term.lower(): synonym for synonym in Synonym.objects.all()}
    created = 0
    for row in rows:
        synonym = existing.get(row["term"].lower())
        if synonym is None:
            synonym = Synonym()
            created += 1
        elif not update:
            continue
        synonym.term = row["term"]
        synonym.equivalents = _split(row["equivalents"])
        synonym.kind = row["kind"]
        synonym.note = row["note"]
        synonym.full_clean(validate_unique=False, validate_constraints=False)
        synonym.save()
    result.total["synonyms"] = len(rows)
    result.created["synonyms"] = created
    transaction.on_commit(synonyms.changed)
    return result
