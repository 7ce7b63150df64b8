"""Forms: small ones per action, and the wizard's step forms.

A wizard step form does not validate values itself: it turns what was typed into JSON
values at their scenario-format paths (keeping anything it cannot convert as the typed
string, so nothing is lost) and shows the errors the engine's parse_scenario reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from decisions.engine.framework import CLEAN_LICENSES
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import (
    ATTENTIONS,
    DATA_QUALITIES,
    LORA_TARGETS,
    METHODS,
    PLATFORMS,
    SERVINGS,
    Scenario,
    Training,
    scenario_to_dict,
)
from decisions.models import Project
from decisions.services import DELETE, get_path

MAX_TYPED = 200  # characters kept of one typed value
MAX_ITEMS = 20  # items kept of one multiple choice


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ScenarioNameForm(forms.Form):
    name = forms.CharField(max_length=120, strip=True)


class ScenarioImportForm(forms.Form):
    file = forms.FileField(
        label="Scenario JSON file",
        help_text="A scenario-format v1 file, as the Export button writes (at most 1 MB).",
    )


# --- The wizard ----------------------------------------------------------------------------

USE_CASE_LABELS = {
    "behavior": "Behaviour: tone, voice, alignment",
    "task": "Task: complex instruction following",
    "format": "Format: JSON schema, XML tags, tables",
    "knowledge": "Knowledge: domain facts and terminology",
}
FAILURE_MODE_LABELS = {
    "format": "Output format is unreliable",
    "tone": "Tone or voice is off",
    "behavior": "Behaviour drifts from policy",
    "task_errors": "Predictable task errors",
    "knowledge": "Missing or outdated knowledge",
}
QUALITY_LABELS = {
    "clean": "Clean: reviewed, consistent",
    "mixed": "Mixed: some noise",
    "noisy": "Noisy: unreviewed logs",
    "unknown": "Unknown",
}
METHOD_LABELS = {"full": "Full fine-tuning", "lora": "LoRA", "qlora": "QLoRA (4-bit)"}
PLATFORM_LABELS = {
    "managed": "Managed fine-tuning API",
    "self_hosted": "Rented GPUs",
    "on_prem": "Own hardware (on-prem)",
}
LICENSE_LABELS = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "custom": "Custom licences (caps and rules to check)",
}
SERVING_LABELS = {
    "serverless": "Serverless (per token)",
    "dedicated": "Dedicated deployment (per hour)",
    "self_hosted": "Self-hosted GPUs",
}


def _labelled(values: tuple[str, ...], labels: Mapping[str, str] | None = None):
    return tuple((v, (labels or {}).get(v, v)) for v in values)


@dataclass(frozen=True)
class Field:
    path: str
    label: str
    kind: str = "number"  # number | choice | bool | multi | gpus | text
    help: str = ""
    unit: str = ""
    choices: tuple[tuple[str, str], ...] | str = ()  # a str names catalog choices
    nullable_label: str = ""  # choice: an empty option meaning null ("cheapest")
    advanced: bool = False

    @property
    def name(self) -> str:
        return self.path.replace(".", "__")


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    question: str
    fieldsets: tuple[tuple[str, tuple[Field, ...]], ...] = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for _, group in self.fieldsets for f in group)


STEPS: tuple[Step, ...] = (
    Step(
        0,
        "start",
        "Use case",
        "What must the model do, and from which base model?",
        (
            (
                "The use case",
                (
                    Field(
                        "use_case",
                        "What must fine-tuning change?",
                        "choice",
                        choices=_labelled(
                            ("behavior", "task", "format", "knowledge"), USE_CASE_LABELS
                        ),
                    ),
                    Field(
                        "training.base_model",
                        "Candidate base model",
                        "choice",
                        help="Open-weight models from the price catalog; the licence is shown.",
                        choices="open_models",
                    ),
                    Field(
                        "horizon_months",
                        "Planning horizon",
                        unit="months",
                        help="How far ahead to compare costs (1-120).",
                    ),
                ),
            ),
        ),
    ),
    Step(
        1,
        "prompting",
        "Prompting",
        "1. Is prompt engineering insufficient?",
        (
            (
                "Where prompting falls short",
                (
                    Field(
                        "prompting.failure_modes",
                        "Failure modes seen with prompting",
                        "multi",
                        choices=_labelled(
                            ("format", "tone", "behavior", "task_errors", "knowledge"),
                            FAILURE_MODE_LABELS,
                        ),
                    ),
                    Field(
                        "prompting.prompting_quality",
                        "Quality reached by prompting",
                        help="Share of outputs that meet the bar, as a fraction (0.85 = 85%).",
                        unit="fraction",
                    ),
                    Field(
                        "prompting.target_quality",
                        "Target quality",
                        help="As a fraction; fine-tuning reaches 0.95+ on format tasks.",
                        unit="fraction",
                    ),
                    Field(
                        "prompting.needs_fresh_knowledge",
                        "Answers need fresh or changing documents (that points to RAG)",
                        "bool",
                    ),
                ),
            ),
        ),
    ),
    Step(
        2,
        "volume",
        "Volume",
        "2. Is the volume sufficient?",
        (
            (
                "Traffic",
                (
                    Field("inference.daily_calls", "Calls per day", unit="calls/day"),
                    Field(
                        "inference.input_tokens_per_call", "Input tokens per call", unit="tokens"
                    ),
                    Field(
                        "inference.output_tokens_per_call", "Output tokens per call", unit="tokens"
                    ),
                    Field(
                        "inference.monthly_growth",
                        "Monthly growth",
                        help="As a fraction per month (0.05 = 5%); -0.5 to 1.",
                        unit="fraction",
                    ),
                ),
            ),
            (
                "Today's API",
                (
                    Field(
                        "inference.baseline.provider", "API provider", "choice", choices="providers"
                    ),
                    Field("inference.baseline.model", "API model", "choice", choices="models"),
                ),
            ),
            (
                "Serving the fine-tuned model",
                (
                    Field(
                        "inference.serving",
                        "Serving",
                        "choice",
                        choices=_labelled(SERVINGS, SERVING_LABELS),
                    ),
                    Field(
                        "inference.serving_provider",
                        "Serving provider",
                        "choice",
                        choices="providers",
                        nullable_label="Cheapest in the catalog",
                    ),
                ),
            ),
        ),
    ),
    Step(
        3,
        "data",
        "Data",
        "3. Is the data available and clean?",
        (
            (
                "Training data",
                (
                    Field("data.train_examples", "Training examples", unit="examples"),
                    Field("data.validation_examples", "Validation examples", unit="examples"),
                    Field(
                        "data.avg_tokens_per_example", "Average tokens per example", unit="tokens"
                    ),
                    Field(
                        "data.quality",
                        "Quality",
                        "choice",
                        choices=_labelled(DATA_QUALITIES, QUALITY_LABELS),
                    ),
                    Field(
                        "data.eval_set_examples",
                        "Held-out evaluation set",
                        help="50-100 representative examples with defined correct outputs.",
                        unit="examples",
                    ),
                    Field(
                        "costs.data_prep_share",
                        "Data preparation share of the project",
                        help="As a fraction; the seed puts it at 0.2-0.4.",
                        unit="fraction",
                    ),
                ),
            ),
        ),
    ),
    Step(
        4,
        "velocity",
        "Velocity and method",
        "4. Is the model velocity acceptable?",
        (
            (
                "Model velocity",
                (
                    Field(
                        "velocity.refresh_months",
                        "Retrain every",
                        unit="months",
                        help="Better base models ship every 4-6 months.",
                    ),
                    Field(
                        "velocity.chasing_frontier",
                        "We need the frontier model's newest capabilities",
                        "bool",
                    ),
                ),
            ),
            (
                "Constraints",
                (
                    Field(
                        "constraints.regulated_data",
                        "Regulated or confidential data (HIPAA, financial, patents)",
                        "bool",
                    ),
                    Field(
                        "constraints.allowed_licenses",
                        "Allowed licences",
                        "multi",
                        choices="licenses",
                    ),
                ),
            ),
            (
                "Training method and platform",
                (
                    Field(
                        "training.method",
                        "Method",
                        "choice",
                        choices=_labelled(METHODS, METHOD_LABELS),
                    ),
                    Field(
                        "training.platform",
                        "Platform",
                        "choice",
                        choices=_labelled(PLATFORMS, PLATFORM_LABELS),
                    ),
                    Field(
                        "training.provider",
                        "Training provider",
                        "choice",
                        choices="providers",
                        nullable_label="Cheapest in the catalog",
                    ),
                    Field("training.gpu", "GPU", "choice", choices="gpus"),
                    Field(
                        "training.gpus",
                        "Number of GPUs",
                        "gpus",
                        help='"auto" picks the fewest GPUs that hold the training footprint.',
                    ),
                    Field("training.epochs", "Epochs", unit="epochs"),
                    Field("costs.engineering_hours", "Engineering time", unit="hours"),
                    Field("costs.hourly_rate", "Hourly rate", unit="USD/hour"),
                ),
            ),
            (
                "Advanced training settings",
                (
                    Field("training.lora_rank", "LoRA rank", advanced=True),
                    Field(
                        "training.lora_targets",
                        "LoRA target layers",
                        "choice",
                        choices=_labelled(LORA_TARGETS),
                        advanced=True,
                    ),
                    Field(
                        "training.sequence_length", "Sequence length", unit="tokens", advanced=True
                    ),
                    Field("training.batch_size", "Micro-batch per GPU", advanced=True),
                    Field(
                        "training.gradient_checkpointing",
                        "Gradient checkpointing",
                        "bool",
                        advanced=True,
                    ),
                    Field(
                        "training.attention",
                        "Attention kernel",
                        "choice",
                        choices=_labelled(ATTENTIONS),
                        advanced=True,
                    ),
                    Field(
                        "training.mfu", "Model FLOPs utilisation", unit="fraction", advanced=True
                    ),
                ),
            ),
        ),
    ),
    Step(5, "verdict", "Verdict", "The four answers and the recommendation"),
)
LAST_STEP = len(STEPS) - 1
FIELD_STEP: dict[str, int] = {f.path: s.number for s in STEPS for f in s.fields}


def step_of(path: str) -> int | None:
    """The wizard step that asks for the input at a dotted error path, if any."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        step = FIELD_STEP.get(".".join(parts[:end]))
        if step is not None:
            return step
    return None


def _defaults() -> dict[str, Any]:
    return scenario_to_dict(Scenario(training=Training(base_model="")))


DEFAULTS = _defaults()


def _catalog_choices(source: str, book: PriceBook | None) -> tuple[tuple[str, str], ...]:
    if book is None:
        return ()
    if source == "open_models":
        models = [m for m in book.models.values() if m.open_weight and m.layers]
        return tuple(
            (m.slug, f"{m.name} ({m.params_b:g}B, licence {m.license_name or m.license})")
            for m in sorted(models, key=lambda m: (m.family, m.total_params, m.slug))
        )
    if source == "models":
        return tuple((m.slug, m.name) for m in sorted(book.models.values(), key=_by_name))
    if source == "providers":
        return tuple((p.slug, p.name) for p in sorted(book.providers.values(), key=_by_name))
    if source == "gpus":
        gpus = sorted(book.gpus.values(), key=lambda g: (g.memory_gb, g.slug))
        return tuple((g.slug, f"{g.name} ({g.memory_gb:g} GB)") for g in gpus)
    if source == "licenses":
        found = {m.license.lower() for m in book.models.values() if m.open_weight}
        return tuple((x, LICENSE_LABELS.get(x, x)) for x in sorted(found | CLEAN_LICENSES))
    raise ValueError(f"unknown choices {source!r}")


def _by_name(row: Any) -> tuple[str, str]:
    return (row.name.lower(), row.slug)


def display(value: Any) -> str:
    """A stored JSON value as the text a user would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def typed_number(text: str) -> Any:
    """ "10,000" -> 10000, "0.3" -> 0.3; anything else stays the typed string."""
    cleaned = re.sub(r"[,_\s]", "", text)
    if not NUMBER.match(cleaned) or len(cleaned) > 30:
        return text
    if re.fullmatch(r"[+-]?\d+", cleaned):
        return int(cleaned)
    number = float(cleaned)
    return number if math.isfinite(number) else text


@dataclass
class BoundField:
    field: Field
    value: Any  # the stored JSON value (or None when absent)
    choices: tuple[tuple[str, str], ...] = ()
    errors: list[str] = field(default_factory=list)

    name = property(lambda self: self.field.name)
    label = property(lambda self: self.field.label)
    kind = property(lambda self: self.field.kind)
    help = property(lambda self: self.field.help)
    unit = property(lambda self: self.field.unit)

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def text(self) -> str:
        return display(self.value)

    @property
    def placeholder(self) -> str:
        default = get_path(DEFAULTS, self.field.path)
        return f"default {display(default)}" if default not in (None, "") else ""

    @property
    def options(self) -> list[dict[str, Any]]:
        """Choices with the selection; a stored value the catalog lacks stays listed."""
        options = []
        if self.field.nullable_label:
            options.append(
                {
                    "value": "",
                    "label": self.field.nullable_label,
                    "selected": self.value in (None, ""),
                }
            )
        selected = self.value if isinstance(self.value, list) else [self.value]
        selected = [display(v) for v in selected if v not in (None, "")]
        known = {value for value, _ in self.choices}
        for value, label in self.choices:
            options.append({"value": value, "label": label, "selected": value in selected})
        for value in selected:
            if value not in known:
                options.append(
                    {"value": value, "label": f"{value} (not in the catalog)", "selected": True}
                )
        return options

    @property
    def checked(self) -> bool:
        return self.value is True


class WizardForm:
    """One step's fields, bound to the draft's stored values and the engine's errors."""

    def __init__(
        self,
        step: Step,
        inputs: Mapping[str, Any],
        book: PriceBook | None,
        errors: list[dict[str, str]] = (),
    ) -> None:
        self.step = step
        self.fields = []
        by_name = {}
        for f in step.fields:
            choices = f.choices
            if isinstance(choices, str):
                choices = _catalog_choices(choices, book)
            bound = BoundField(f, get_path(inputs, f.path), choices)
            self.fields.append(bound)
            by_name[f.path] = bound
        self.other_errors: list[dict[str, str]] = []
        for error in errors:
            bound = self._owner(error["field"], by_name)
            if bound is not None:
                bound.errors.append(error["message"])
            elif step_of(error["field"]) is None:
                self.other_errors.append(error)
        self.fieldsets = [
            (legend, [by_name[f.path] for f in group]) for legend, group in step.fieldsets
        ]

    @staticmethod
    def _owner(path: str, by_name: Mapping[str, BoundField]) -> BoundField | None:
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            bound = by_name.get(".".join(parts[:end]))
            if bound is not None:
                return bound
        return None

    @property
    def has_errors(self) -> bool:
        return any(b.errors for b in self.fields)

    @staticmethod
    def values_from_post(step: Step, data: Any) -> dict[str, Any]:
        """The POSTed values of one step at their paths; unconvertible text kept as typed."""
        values: dict[str, Any] = {}
        for f in step.fields:
            if f.kind == "bool":
                values[f.path] = data.get(f.name) in ("on", "true", "1", "yes")
            elif f.kind == "multi":
                items = [str(v)[:MAX_TYPED] for v in data.getlist(f.name) if v]
                values[f.path] = list(dict.fromkeys(items))[:MAX_ITEMS]
            else:
                values[f.path] = _typed(f, str(data.get(f.name, ""))[:MAX_TYPED].strip())
        return values


def _typed(f: Field, text: str) -> Any:
    if f.kind == "number":
        return DELETE if text == "" else typed_number(text)
    if f.kind == "gpus":
        return "auto" if text.lower() in ("", "auto") else typed_number(text)
    if f.kind == "choice" and f.nullable_label:
        return None if text == "" else text
    return DELETE if text == "" else text
