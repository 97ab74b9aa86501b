"""One error style for every form: NHS.UK's wording and choices.

`NhsukForm` (a mixin for any Django form) gives each required field a message that names it
("Enter the name of the shortlist", "Select a category") instead of Django's "This field is
required.", drops the empty "---------" choice from radios, so that nothing is pre-checked, and
takes autofocus off every field (a page should not move the reader's focus on load).
"""

from typing import Any, cast

from django import forms

DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]
CHOOSING = (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple, forms.SelectMultiple)


def _named(label: str) -> str:
    label = label.strip().removesuffix("(optional)").strip()
    return label[0].lower() + label[1:] if label[:2] != label[:2].upper() else label


def required_message(field: forms.Field, name: str) -> str:
    label = _named(str(field.label or name.replace("_", " ")))
    if isinstance(field, forms.BooleanField):
        return f"Select '{field.label}' to continue"
    if isinstance(field.widget, CHOOSING):
        return f"Select {label}"
    return f"Enter {label}"


def nhsuk_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if field.error_messages.get("required") == DEFAULT_REQUIRED:
            field.error_messages["required"] = required_message(field, name)
        if isinstance(field.widget, forms.RadioSelect) and isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            field.choices = [(value, label) for value, label in choices if value != ""]
        field.widget.attrs.pop("autofocus", None)


class NhsukForm:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nhsuk_fields(cast(forms.BaseForm, self))
