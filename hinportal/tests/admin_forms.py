"""Turn an admin change page's forms back into the POST data a browser would send."""

from django import forms
from django.contrib.postgres.forms import SimpleArrayField


def _field_data(prefix_name: str, bound, data: dict) -> None:
    field, value = bound.field, bound.value()
    if isinstance(field.widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
        for index, part in enumerate(parts):
            data[f"{prefix_name}_{index}"] = "" if part is None else str(part)
    elif isinstance(field, SimpleArrayField):
        data[prefix_name] = field.prepare_value(value) or ""
    elif isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[prefix_name] = "on"
    elif isinstance(value, list | tuple):
        data[prefix_name] = [str(getattr(v, "pk", v)) for v in value]
    else:
        data[prefix_name] = "" if value is None else str(getattr(value, "pk", value))


def change_form_data(response) -> dict:
    data: dict = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _field_data(form.add_prefix(name), form[name], data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                _field_data(subform.add_prefix(name), subform[name], data)
    return data
