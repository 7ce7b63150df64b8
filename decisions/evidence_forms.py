"""Small forms for the evidence pages. They convert what was typed; the engine's
parse_scenario (through decisions.evidence) decides what is valid."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import METHODS
from decisions.models import Candidate, Project


def _today():
    return timezone.localdate()


class HeldOutSetForm(forms.Form):
    examples = forms.IntegerField(
        min_value=1, help_text="Held-out examples with defined correct outputs (50-100)."
    )
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvaluationResultForm(forms.Form):
    candidate = forms.ChoiceField(choices=Candidate.choices)
    model_label = forms.CharField(
        label="Model", required=False, max_length=120, help_text='e.g. "gpt-4o" or "adapter v2"'
    )
    accuracy = forms.FloatField(min_value=0, max_value=1, help_text="A fraction: 0.78 for 78%.")
    format_reliability = forms.FloatField(
        required=False, min_value=0, max_value=1, help_text="Share of well-formed outputs."
    )
    measured_on = forms.DateField(initial=_today, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, max_length=2000)


class OutcomesUploadForm(forms.Form):
    file = forms.FileField(
        label="Per-example outcomes (JSON Lines)",
        help_text='One line per example: {"id": "ex-1", "candidate": "finetuned", '
        '"correct": true}. At most 5 MB.',
    )
    measured_on = forms.DateField(initial=_today, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, max_length=2000)


class MeasuredRunForm(forms.Form):
    base_model = forms.ChoiceField()
    method = forms.ChoiceField(choices=[(m, m) for m in METHODS], initial="lora")
    gpu = forms.ChoiceField(label="GPU type")
    gpus = forms.IntegerField(label="GPUs", min_value=1, initial=1)
    tokens = forms.IntegerField(min_value=1, help_text="Training tokens processed, all epochs.")
    wall_hours = forms.FloatField(min_value=0)
    peak_memory_gb = forms.FloatField(label="Peak memory per GPU (GB)", required=False, min_value=0)
    cost = forms.FloatField(label="Cost (USD)", required=False, min_value=0)
    lora_rank = forms.IntegerField(min_value=1, initial=16)
    batch_size = forms.IntegerField(min_value=1, initial=4, help_text="Per-GPU micro-batch.")
    sequence_length = forms.IntegerField(min_value=1, initial=2048)

    def __init__(self, *args, book: PriceBook | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if book is not None:
            models = [m for m in book.models.values() if m.open_weight and m.layers]
            self.fields["base_model"].choices = [(m.slug, m.name) for m in models]
            self.fields["gpu"].choices = [(g.slug, g.name) for g in book.gpus.values()]


class PortfolioForm(forms.Form):
    name = forms.CharField(max_length=120)
    scenarios = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, help_text="Same base model, 2 or more."
    )
    latency_target_seconds = forms.FloatField(
        label="Per-request latency target (seconds)",
        required=False,
        min_value=0.001,
        help_text="Optional: adapters add a little latency.",
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].queryset = project.scenarios.filter(archived=False)
