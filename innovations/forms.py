from django import forms
from django.utils.text import slugify

from hinportal.lib.forms import NhsukForm
from hinportal.lib.search.parse import MAX_QUERY_CHARS, QUERY_TOO_LONG
from hinportal.lib.versioning import VersionCheckedForm

from .choices import AdoptionStatus, CareSetting, Category, ClinicalArea, Core20Plus5, LocalStatus, Stage
from .models import Adoption, HelpRequest, Innovation, SavedSearch, ShortlistItem

# Dates as people in England type them, day first; ISO as well.
UK_DATES = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]


class ProvenElsewhereFilterForm(NhsukForm, forms.Form):
    q = forms.CharField(
        label="Search this list",
        help_text="In your own words: for example heart attack, AF or reduce hospital admissions.",
        required=False,
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": QUERY_TOO_LONG},
    )
    clinical_area = forms.MultipleChoiceField(
        label="Clinical area", choices=ClinicalArea.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.MultipleChoiceField(
        label="Category", choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    core20 = forms.MultipleChoiceField(
        label="Core20PLUS5", choices=Core20Plus5.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    here = forms.ChoiceField(label="Status here", choices=LocalStatus.CHOICES, required=False, widget=forms.RadioSelect)


class ShortlistForm(NhsukForm, forms.Form):
    name = forms.CharField(
        label="Name of the shortlist", max_length=120, help_text="For example: Board paper, March 2027."
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class ShortlistAddForm(NhsukForm, forms.Form):
    innovation = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ShortlistNoteForm(NhsukForm, forms.ModelForm):
    class Meta:
        model = ShortlistItem
        fields = ["note"]
        labels = {"note": "Note for the board"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class LocalInnovationForm(NhsukForm, forms.ModelForm):
    """An ICS lead's own innovation, submitted to the network that covers their system."""

    clinical_areas = forms.MultipleChoiceField(
        label="Clinical areas",
        choices=ClinicalArea.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one clinical area."},
    )
    care_settings = forms.MultipleChoiceField(
        label="Care settings",
        choices=CareSetting.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one care setting."},
    )
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")
    core20plus5 = forms.MultipleChoiceField(
        label="Core20PLUS5 focus (optional)",
        choices=Core20Plus5.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Innovation
        fields = [
            "name",
            "summary",
            "description",
            "organisation",
            "category",
            "clinical_areas",
            "care_settings",
            "core20plus5",
            "stage",
            "website",
        ]
        labels = {
            "name": "Name of the innovation",
            "summary": "Summary in one sentence",
            "description": "What it does, for whom, and what changed",
            "organisation": "Who developed it (optional)",
            "website": "Website (optional)",
        }
        help_texts = {
            "summary": "Up to 300 characters. This is what people see in search results.",
            "description": "Include any evaluation or outcomes you have measured.",
        }
        error_messages = {
            "name": {"required": "Enter the name of the innovation."},
            "summary": {"required": "Enter a one-sentence summary."},
            "category": {"required": "Choose a category."},
        }
        widgets = {"stage": forms.RadioSelect, "category": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["description"].error_messages["required"] = "Describe what it does and for whom."
        self.fields["stage"].choices = Stage.choices

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not slugify(name):
            raise forms.ValidationError("Enter a name with at least one letter or number.")
        return name


class LocalAdoptionForm(NhsukForm, VersionCheckedForm):
    """An ICS lead's record of how far their own system has gone with one innovation."""

    started_on = forms.DateField(
        label="Started on",
        input_formats=UK_DATES,
        help_text="When your system started exploring, piloting or using it. For example, 1/4/2025.",
        error_messages={"required": "Enter the date it started here", "invalid": "Enter a real date, like 1/4/2025"},
    )
    ended_on = forms.DateField(
        label="Ended on (if it has)",
        input_formats=UK_DATES,
        required=False,
        help_text="Only if your system has stopped using it.",
        error_messages={"invalid": "Enter a real date, like 31/3/2026"},
    )

    class Meta:
        model = Adoption
        fields = ["status", "started_on", "ended_on", "patients_reached", "source_note"]
        labels = {
            "status": "How far has your system gone with it?",
            "patients_reached": "Patients reached so far (if known)",
            "source_note": "Note (optional)",
        }
        help_texts = {
            "source_note": "For your network and colleagues: for example which places use it, or why it stopped.",
        }
        widgets = {"status": forms.RadioSelect, "source_note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"status": {"required": "Choose how far your system has gone with it"}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = AdoptionStatus.choices
        self.fields["patients_reached"].widget.attrs.update({"inputmode": "numeric", "class": "nhsuk-input--width-10"})


class HelpRequestForm(NhsukForm, forms.ModelForm):
    """Asking the network that covers your system for help adopting an innovation. An ICS lead's
    system is known, so they are not asked for it."""

    class Meta:
        model = HelpRequest
        fields = ["name", "email", "role", "icb", "message"]
        labels = {
            "name": "Your name",
            "email": "Your email address",
            "role": "Your job title and organisation (optional)",
            "icb": "Your integrated care system",
            "message": "What would you like help with?",
        }
        help_texts = {
            "email": "The network replies to this address. We use it for nothing else.",
            "icb": "The network that supports it will reply.",
            "message": "For example: how others made the case to their board, costs, who to talk to.",
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 5}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "name": {"required": "Enter your name"},
            "email": {"required": "Enter your email address", "invalid": "Enter an email address like name@nhs.net"},
            "icb": {"required": "Choose your integrated care system"},
            "message": {"required": "Say what you would like help with"},
        }

    def __init__(self, *args, icb=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from networks.models import IntegratedCareBoard

        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if icb is not None:
            del self.fields["icb"]
            self.instance.icb = icb
        else:
            self.fields["icb"].queryset = IntegratedCareBoard.objects.current().order_by("short_name")
            self.fields["icb"].empty_label = "Choose your system"


class ShortlistChooseForm(NhsukForm, forms.Form):
    """Which of the system's open shortlists to add an innovation to, or a new one."""

    NEW = "new"
    shortlist = forms.ChoiceField(
        label="Which shortlist?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a shortlist, or a new one",
            "invalid_choice": "Choose one of these shortlists",
        },
    )
    new_name = forms.CharField(
        label="Name of the new shortlist",
        required=False,
        max_length=120,
        help_text="Only if you chose a new shortlist. For example: Board paper, March 2027.",
    )
    note = forms.CharField(
        label="Note for the board (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, shortlists=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].choices = [(str(s.pk), s.name) for s in shortlists] + [(self.NEW, "A new shortlist")]
        if not shortlists:
            self.fields["shortlist"].initial = self.NEW

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("shortlist") == self.NEW and not " ".join(cleaned.get("new_name", "").split()):
            self.add_error("new_name", "Name the new shortlist")
        cleaned["new_name"] = " ".join(cleaned.get("new_name", "").split())
        return cleaned


class DecisionForm(NhsukForm, forms.ModelForm):
    """The board's decision on one innovation of a locked shortlist."""

    decided_on = forms.DateField(
        label="Date of the decision",
        input_formats=UK_DATES,
        help_text="For example, 12/3/2027.",
        error_messages={"required": "Enter the date the board decided", "invalid": "Enter a real date, like 12/3/2027"},
    )

    class Meta:
        model = ShortlistItem
        fields = ["decision", "decided_on", "decision_note"]
        labels = {"decision": "The board's decision", "decision_note": "Note on the decision (optional)"}
        widgets = {"decision": forms.RadioSelect, "decision_note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"decision": {"required": "Choose what the board decided"}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = ShortlistItem.Decision.choices


class SavedSearchForm(NhsukForm, forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "frequency"]
        labels = {"name": "Name of this search", "frequency": "Email me what is new"}
        widgets = {"frequency": forms.RadioSelect}
        error_messages = {"name": {"required": "Name the search"}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = SavedSearch.Frequency.choices

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
