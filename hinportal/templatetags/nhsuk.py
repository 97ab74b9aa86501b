"""Template helpers for the `nhsuk` crispy-forms template pack."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Most specific first: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
CHOICE_LISTS = [(forms.CheckboxSelectMultiple, "checkboxes"), (forms.RadioSelect, "radios")]
WIDGET_CLASSES = {
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
    forms.ClearableFileInput: "nhsuk-file-upload",
    forms.FileInput: "nhsuk-file-upload",
}
CHECKED = mark_safe(" checked")


@register.filter
def nhsuk_kind(field: BoundField) -> str:
    """How the pack lays out a field: radios, checkboxes, checkbox, hidden or input."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    for widget_class, kind in CHOICE_LISTS:
        if isinstance(widget, widget_class):
            return kind
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def nhsuk_described_by(field: BoundField) -> str:
    return _described_by(field)


@register.simple_tag
def nhsuk_widget(field: BoundField) -> SafeString:
    """Render a single-control widget with NHS.UK classes and aria-describedby."""
    widget = field.field.widget
    base = next((c for w, c in WIDGET_CLASSES.items() if type(widget) is w), None)
    if base is None:
        base = "nhsuk-checkboxes__input" if isinstance(widget, forms.CheckboxInput) else "nhsuk-input"
    classes = [base]
    if field.errors and base != "nhsuk-checkboxes__input":
        classes.append(f"{base}--error")
    if widget.attrs.get("class"):
        classes.append(widget.attrs["class"])
    attrs = {"class": " ".join(classes)}
    if described_by := _described_by(field):
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)


class SummaryRowNode(template.Node):
    def __init__(self, key: template.base.FilterExpression, nodelist: template.NodeList) -> None:
        self.key, self.nodelist = key, nodelist

    def render(self, context: template.Context) -> SafeString:
        return format_html(
            '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt>'
            '<dd class="nhsuk-summary-list__value">{}</dd></div>',
            self.key.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def summary_row(parser: template.base.Parser, token: template.base.Token) -> SummaryRowNode:
    """One row of an NHS.UK summary list: `{% summary_row "Stage" %}{{ value }}{% endsummary_row %}`
    inside `<dl class="nhsuk-summary-list">`; the value may hold links and other markup."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("summary_row takes one argument: the row's key")
    nodelist = parser.parse(("endsummary_row",))
    parser.delete_first_token()
    return SummaryRowNode(parser.compile_filter(bits[1]), nodelist)


@register.filter
def chosen_filters(form: forms.BaseForm, leave_out: str = "q,sort") -> int:
    """How many of a GET form's filters hold a choice (the search box and sort order left out)."""
    names = set(leave_out.split(","))
    return sum(1 for field in form if field.name not in names and field.value() not in (None, "", [], False))


@register.simple_tag
def nhsuk_choice_items(field: BoundField, kind: str) -> SafeString:
    """The items of a radios or checkboxes field. Written here rather than by a template per item:
    a listing's filter panel holds a couple of hundred, and rendering a template for each was most
    of the page's time (hinportal/tests/test_crispy_pack.py compares the two)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    chosen = {str(value) for value in widget.format_value(field.value())}
    # As Django's ChoiceWidget numbers and marks its options (create_option), for flat choices.
    options = [
        (f"{id_}_{index}" if id_ else "", value, label, str(value) in chosen)
        for index, (value, label) in enumerate(widget.choices)
    ]
    if any(isinstance(label, list | tuple) for _, _, label, _ in options):
        raise ValueError(f"{field.name}: the nhsuk pack does not group radios or checkboxes")
    return format_html_join(
        "\n",
        '<div class="nhsuk-{0}__item">\n'
        '<input class="nhsuk-{0}__input" id="{1}" name="{2}" type="{3}" value="{4}"{5}>\n'
        '<label class="nhsuk-label nhsuk-{0}__label" for="{1}">{6}</label>\n'
        "</div>",
        (
            (kind, option_id, field.html_name, widget.input_type, str(value), CHECKED if selected else "", label)
            for option_id, value, label, selected in options
        ),
    )
