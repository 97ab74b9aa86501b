"""A plain-English sentence that sums up a catalogue search."""

from django.utils.text import get_text_list

from hinportal.lib import listing

from .filters import InnovationFilter


def _labels(filterset: InnovationFilter, name: str) -> list[str]:
    value = filterset.form.cleaned_data.get(name)
    if not value:
        return []
    values = value if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
    choices = dict(filterset.filters[name].extra.get("choices", []))
    return [str(choices.get(v, v)) for v in values]


def describe_search(filterset: InnovationFilter, count: int) -> str:
    """For example: 42 innovations matching ‘asthma’ in Respiratory, proven, adopted in North West."""
    if not hasattr(filterset.form, "cleaned_data"):
        filterset.is_valid()
    if filterset.search and not filterset.narrowed:  # a search of programmes too
        noun = "innovation or programme" if count == 1 else "innovations and programmes"
    else:
        noun = "innovation" if count == 1 else "innovations"
    parts = [f"More than {listing.BROAD_SEARCH:,} {noun}" if filterset.too_broad(count) else f"{count:,} {noun}"]
    if q := filterset.form.cleaned_data.get("q"):
        parts[0] += f" matching ‘{q}’"
    # Filters combine with "and"; the choices within one filter with "or".
    within = []
    if categories := _labels(filterset, "category"):
        within.append(f"in the categor{'ies' if len(categories) > 1 else 'y'} {get_text_list(categories, 'or')}")
    if areas := _labels(filterset, "clinical_area"):
        within.append(f"in {get_text_list(areas, 'or')}")
    if within:
        parts[0] += " " + " and ".join(within)
    phrases = [
        ("care_setting", "in care settings: {}"),
        ("stage", "at the {} stage"),
        ("nice", "with NICE {}"),
        ("tier", "in evidence tier {}"),
        ("core20", "addressing {}"),
        ("network", "led by {}"),
        ("programme", "in the {} programme"),
    ]
    for name, phrase in phrases:
        if labels := _labels(filterset, name):
            parts.append(phrase.format(get_text_list(labels, "or")))
    if filterset.form.cleaned_data.get("proven"):
        parts.append("proven")
    for name in ("region", "icb"):
        if place := filterset.form.cleaned_data.get(name):
            parts.append(f"adopted in {place}")
    return ", ".join(parts)
