from django import forms

from hinportal.lib.search.parse import MAX_QUERY_CHARS, QUERY_TOO_LONG


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search HIN Portal",
        help_text="Innovations, programmes, publications, networks and integrated care systems, in your own "
        "words: for example enlarged prostate, AF, cut A&E attendances, Hewitt, or an ODS code such as QOP.",
        max_length=MAX_QUERY_CHARS,
        required=False,
        error_messages={"max_length": QUERY_TOO_LONG},
    )

    def clean_q(self) -> str:
        # Collapse runs of whitespace so that a pasted query matches as typed.
        return " ".join(self.cleaned_data["q"].split())
