"""The controlled vocabularies of the catalogue (from the shared vocabularies, in our own values).

Values are slugs: the search-vector trigger turns their hyphens into spaces, so that the
vocabulary words are searchable too.
"""

from django.db import models


class Category(models.TextChoices):
    MEDICAL_DEVICE = "medical-device", "Medical device"
    IN_VITRO_DIAGNOSTIC = "in-vitro-diagnostic", "In vitro diagnostic"
    PHARMACEUTICAL = "pharmaceutical", "Pharmaceutical"
    DIGITAL = "digital", "Digital"
    ARTIFICIAL_INTELLIGENCE = "artificial-intelligence", "Artificial intelligence"
    EDUCATION = "education", "Education"
    MODEL_OF_CARE = "model-of-care", "Model of care"
    DATA_AND_MONITORING = "data-and-monitoring", "Data and monitoring"
    ESTATES_AND_FACILITIES = "estates-and-facilities", "Estates and facilities"
    OTHER = "other", "Other"


class CareSetting(models.TextChoices):
    ACUTE_INPATIENT = "acute-inpatient", "Acute inpatient"
    ACUTE_OUTPATIENT = "acute-outpatient", "Acute outpatient"
    AMBULANCE = "ambulance", "Ambulance"
    CARE_HOMES = "care-homes", "Care homes"
    END_OF_LIFE = "end-of-life-care", "End of life care"
    MENTAL_HEALTH = "mental-health", "Mental health"
    PHARMACY = "pharmacy", "Pharmacy"
    PRIMARY_CARE = "primary-care", "Primary care"
    SOCIAL_CARE = "social-care", "Social care"
    COMMUNITY = "community", "Community"
    URGENT_AND_EMERGENCY = "urgent-and-emergency-care", "Urgent and emergency care"


class ClinicalArea(models.TextChoices):
    CANCER = "cancer", "Cancer"
    CARDIOVASCULAR = "cardiovascular", "Cardiovascular"
    CHILDREN = "children-and-young-people", "Children and young people"
    DEMENTIA = "dementia", "Dementia"
    DERMATOLOGY = "dermatology", "Dermatology"
    DIABETES = "diabetes", "Diabetes"
    EAR_NOSE_THROAT = "ear-nose-and-throat", "Ear, nose and throat"
    EMERGENCY_SURGERY = "emergency-surgery", "Emergency surgery"
    EYE_HEALTH = "eye-health", "Eye health"
    FRAILTY = "frailty", "Frailty and older people"
    GASTROENTEROLOGY = "gastroenterology", "Gastroenterology"
    HAEMATOLOGY = "haematology", "Haematology"
    HEALTH_INEQUALITIES = "health-inequalities", "Health inequalities"
    INFECTION = "infection", "Infection"
    KIDNEY = "kidney", "Kidney"
    MATERNITY = "maternity-and-neonatal", "Maternity and neonatal"
    MEDICINES_OPTIMISATION = "medicines-optimisation", "Medicines optimisation"
    MEDICINES_SAFETY = "medicines-safety", "Medicines safety"
    MENTAL_HEALTH = "mental-health", "Mental health"
    MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal"
    NEUROLOGY = "neurology", "Neurology"
    RESPIRATORY = "respiratory", "Respiratory"
    STROKE = "stroke", "Stroke"
    SURGERY = "surgery", "Surgery and perioperative care"
    UROLOGY = "urology", "Urology"
    VASCULAR_ACCESS = "vascular-access", "Vascular access"
    WOUND_CARE = "wound-care", "Wound care"


class Core20Plus5(models.TextChoices):
    CORE20 = "core20", "Core20 (most deprived 20%)"
    MATERNITY = "maternity", "Maternity"
    SEVERE_MENTAL_ILLNESS = "severe-mental-illness", "Severe mental illness"
    CHRONIC_RESPIRATORY = "chronic-respiratory-disease", "Chronic respiratory disease"
    EARLY_CANCER = "early-cancer-diagnosis", "Early cancer diagnosis"
    HYPERTENSION = "hypertension-case-finding", "Hypertension case-finding"
    CYP_ASTHMA = "cyp-asthma", "Children and young people: asthma"
    CYP_DIABETES = "cyp-diabetes", "Children and young people: diabetes"
    CYP_EPILEPSY = "cyp-epilepsy", "Children and young people: epilepsy"
    CYP_ORAL_HEALTH = "cyp-oral-health", "Children and young people: oral health"
    CYP_MENTAL_HEALTH = "cyp-mental-health", "Children and young people: mental health"


class Stage(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    DEVELOPMENT = "development", "Development"
    EVIDENCE = "evidence", "Evidence"
    ADOPTION = "adoption", "Adoption"
    SPREAD = "spread", "Spread"


class EvidenceTier(models.TextChoices):
    """NICE evidence standards framework tiers for digital health technologies."""

    A = "a", "Tier A: releases costs or staff time or improves efficiency"
    B = "b", "Tier B: helps people manage their own health and wellness"
    C = "c", "Tier C: treats or diagnoses a condition or guides care"


class NiceGuidanceType(models.TextChoices):
    TA = "TA", "Technology appraisal (TA)"
    HST = "HST", "Highly specialised technologies (HST)"
    MTG = "MTG", "Medical technologies guidance (MTG)"
    DG = "DG", "Diagnostics guidance (DG)"
    IPG = "IPG", "Interventional procedures guidance (IPG)"
    EVA = "HTE", "Early value assessment (HTE)"
    HTG = "HTG", "HealthTech guidance (HTG)"
    MIB = "MIB", "Medtech innovation briefing (MIB, not guidance)"


class NiceRecommendation(models.TextChoices):
    RECOMMENDED = "recommended", "Recommended"
    IN_PART = "recommended-in-part", "Recommended for some products, uses or patients"
    EVIDENCE_GENERATION = "evidence-generation", "Use while more evidence is generated"
    RESEARCH = "research", "Recommended only in research"
    NOT_RECOMMENDED = "not-recommended", "Not recommended for routine use"
    REPLACED = "replaced", "Replaced by later guidance"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNCONFIRMED = "unconfirmed", "Recommendation not yet confirmed"


# Guidance that counts towards "proven": NICE recommends the technology for routine use.
SUPPORTIVE = (NiceRecommendation.RECOMMENDED, NiceRecommendation.IN_PART)


class EvidenceType(models.TextChoices):
    RCT = "rct", "Randomised controlled trial"
    COMPARATIVE = "non-randomised-comparative", "Non-randomised comparative study"
    NON_COMPARATIVE = "non-randomised-non-comparative", "Non-randomised non-comparative study"
    REAL_WORLD = "real-world-evaluation", "Real-world evaluation"
    ECONOMIC = "economic-evaluation", "Economic evaluation"
    SYSTEMATIC_REVIEW = "systematic-review", "Systematic review"
    NICE_GUIDANCE = "nice-guidance", "NICE guidance"
    CASE_STUDY = "case-study", "Case study"


class AdoptionStatus(models.TextChoices):
    EXPLORING = "exploring", "Exploring"
    PILOTING = "piloting", "Piloting"
    ADOPTED = "adopted", "Adopted"
    EMBEDDED = "embedded", "Embedded"
    DISCONTINUED = "discontinued", "Discontinued"


# An ICB counts as having adopted an innovation when its adoption has reached one of these.
ADOPTED = (AdoptionStatus.ADOPTED, AdoptionStatus.EMBEDDED)


class LocalStatus:
    """The gap list's "status here" filter: what the ICB has recorded for an innovation it has not adopted."""

    NOT_STARTED = "not-started"
    UNDER_WAY = "under-way"
    DISCONTINUED = "discontinued"
    CHOICES = [
        ("", "Any"),
        (NOT_STARTED, "Nothing recorded here"),
        (UNDER_WAY, "Exploring or piloting here"),
        (DISCONTINUED, "Discontinued here"),
    ]
    STATUSES = {
        UNDER_WAY: [AdoptionStatus.EXPLORING, AdoptionStatus.PILOTING],
        DISCONTINUED: [AdoptionStatus.DISCONTINUED],
    }


class ProgrammeKind(models.TextChoices):
    PROGRAMME = "programme", "National adoption and spread programme"
    SCHEME = "scheme", "National support scheme"
    SAFETY = "safety", "Patient safety improvement programme"


class Scope(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
