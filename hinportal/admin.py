"""The search's synonyms in the staff admin: any network's staff may edit them, with history."""

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField

from .lib.admin import ScopedAdmin
from .models import Synonym


class LinesField(SimpleArrayField):
    """A list typed one item per line; blank lines and surrounding spaces ignored, repeats once."""

    def to_python(self, value: object) -> list:
        if isinstance(value, str):
            value = "\n".join(dict.fromkeys(line.strip() for line in value.splitlines() if line.strip()))
        return super().to_python(value)


class SynonymForm(forms.ModelForm):
    equivalents = LinesField(
        forms.CharField(max_length=100),
        delimiter="\n",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line: abbreviations, lay terms, other spellings. A search for any of them "
        "(or for the term) also finds records that use the others, from the next search on.",
    )

    class Meta:
        model = Synonym
        fields = ["term", "equivalents", "kind", "note"]


@admin.register(Synonym)
class SynonymAdmin(ScopedAdmin):
    form = SynonymForm
    list_display = ["term", "equivalent_list", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["term", "equivalents", "note"]

    @admin.display(description="Equivalents")
    def equivalent_list(self, obj: Synonym) -> str:
        return "; ".join(obj.equivalents)
