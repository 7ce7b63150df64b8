from __future__ import annotations

import copy

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        return self.filter(organisation__memberships__user=user)

    def active(self) -> ProjectQuerySet:
        return self.filter(archived=False)


class Project(models.Model):
    """An initiative of one organisation; nobody outside it can see it."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScenarioQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScenarioQuerySet:
        return self.filter(project__organisation__memberships__user=user)

    def active(self) -> ScenarioQuerySet:
        return self.filter(archived=False)

    def following_latest(self) -> ScenarioQuerySet:
        """Scenarios that move with the newest published catalog (not pinned to one)."""
        return self.filter(
            models.Q(inputs__catalog="latest") | ~models.Q(inputs__has_key="catalog")
        )


class Scenario(models.Model):
    """One set of inputs to the decision, kept as scenario-format v1 JSON.

    `inputs` is the draft exactly as the user left it: a value that does not validate yet
    stays as typed, so nothing is lost; the engine's parse_scenario names what is wrong.
    """

    project = models.ForeignKey(Project, models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=120)
    inputs = models.JSONField(default=dict)
    step = models.PositiveSmallIntegerField(default=0)  # furthest wizard step reached
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["project", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def catalog(self) -> str:
        return self.inputs.get("catalog", "latest") if isinstance(self.inputs, dict) else "latest"

    def latest_result(self) -> Result | None:
        return self.results.order_by("-created").first()

    def duplicate(self, *, user=None, name: str | None = None) -> Scenario:
        """A new draft with the same inputs; results stay with the original."""
        name = (name or f"Copy of {self.name}")[:120]
        inputs = copy.deepcopy(self.inputs)
        if isinstance(inputs, dict):
            inputs["name"] = name
        return Scenario.objects.create(
            project=self.project, name=name, inputs=inputs, step=self.step, created_by=user
        )


class Result(models.Model):
    """What the engine computed for a scenario against one catalog version. Never edited:
    a recompute adds a new Result, so a report can keep pointing at the one it showed."""

    scenario = models.ForeignKey(Scenario, models.CASCADE, related_name="results")
    catalog_version = models.CharField(max_length=40)
    inputs = models.JSONField()  # the full, validated scenario (defaults filled)
    output = models.JSONField()  # tunecase.result/v1
    verdict = models.CharField(max_length=20)
    payback_months = models.FloatField(null=True)
    monthly_savings = models.FloatField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.scenario} @ {self.catalog_version}: {self.verdict}"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the broker"  # could not be enqueued; the sweep retries
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One computation of a scenario's full result, on a worker or inline.

    A task claims its job atomically (queued -> running), so a duplicate delivery finds
    nothing to do; a running job whose lease ran out (its worker died) may be claimed again.
    """

    scenario = models.ForeignKey(Scenario, models.CASCADE, related_name="jobs")
    reason = models.CharField(max_length=20, default="requested")  # requested | new_prices
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True
    )
    result = models.ForeignKey(Result, models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"job {self.pk} for {self.scenario_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class PriceChange(models.Model):
    """What a newly published catalog did to a scenario that follows "latest"."""

    scenario = models.ForeignKey(Scenario, models.CASCADE, related_name="price_changes")
    catalog_version = models.CharField(max_length=40)
    old_result = models.ForeignKey(Result, models.SET_NULL, null=True, related_name="+")
    new_result = models.ForeignKey(Result, models.CASCADE, related_name="+")
    verdict_changed = models.BooleanField()
    payback_changed = models.BooleanField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.scenario} under {self.catalog_version}"


class ShareLinkQuerySet(models.QuerySet):
    def usable(self) -> ShareLinkQuerySet:
        return self.filter(revoked__isnull=True, expires__gt=timezone.now())


class ShareLink(models.Model):
    """A read-only link to one result's report for people outside the organisation.

    Only the token's SHA-256 is stored; the token is shown once, when the link is made.
    """

    scenario = models.ForeignKey(Scenario, models.CASCADE, related_name="share_links")
    result = models.ForeignKey(Result, models.CASCADE, related_name="share_links")
    label = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    last_viewed = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.label} ({self.scenario})"

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and self.expires > timezone.now()


# --- Evidence: measured quality, measured training runs, adapter portfolios ---------------


class Candidate(models.TextChoices):
    BASELINE = "baseline", "Prompted baseline API model"
    BASE = "base", "Base open model, prompted"
    FINETUNED = "finetuned", "Fine-tuned adapter"


class EvaluationSet(models.Model):
    """The team's held-out test set for one scenario (50-100 examples with answers)."""

    scenario = models.OneToOneField(Scenario, models.CASCADE, related_name="evaluation_set")
    examples = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.examples} examples for {self.scenario}"


class EvaluationResult(models.Model):
    """One candidate measured on the test set; `correct`/`total` when uploaded per example."""

    evaluation_set = models.ForeignKey(EvaluationSet, models.CASCADE, related_name="results")
    candidate = models.CharField(max_length=10, choices=Candidate.choices)
    model_label = models.CharField(max_length=120, blank=True)
    accuracy = models.FloatField()
    format_reliability = models.FloatField(null=True, blank=True)
    measured_on = models.DateField()
    notes = models.TextField(blank=True)
    correct = models.PositiveIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.candidate} {self.accuracy:.0%} on {self.measured_on}"

    def as_format(self) -> dict:
        """The scenario-format `evaluation.candidates` item."""
        item = {
            "candidate": self.candidate,
            "model": self.model_label,
            "accuracy": self.accuracy,
            "format_reliability": self.format_reliability,
            "measured_on": self.measured_on.isoformat(),
            "notes": self.notes,
        }
        if self.total:
            item.update(correct=self.correct, total=self.total)
        return item


class MeasuredRun(models.Model):
    """A training run the team did; shared by every scenario of the project."""

    METHODS = [("full", "Full"), ("lora", "LoRA"), ("qlora", "QLoRA")]

    project = models.ForeignKey(Project, models.CASCADE, related_name="measured_runs")
    gpu = models.CharField(max_length=60)
    gpus = models.PositiveSmallIntegerField(default=1)
    tokens = models.PositiveBigIntegerField()
    wall_hours = models.FloatField()
    peak_memory_gb = models.FloatField(null=True, blank=True)
    cost = models.FloatField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=METHODS, default="lora")
    base_model = models.CharField(max_length=120)
    lora_rank = models.PositiveIntegerField(default=16)
    batch_size = models.PositiveIntegerField(default=4)
    sequence_length = models.PositiveIntegerField(default=2048)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)

    FORMAT_FIELDS = (
        "gpu", "gpus", "tokens", "wall_hours", "peak_memory_gb", "cost", "method",
        "base_model", "lora_rank", "batch_size", "sequence_length",
    )  # fmt: skip

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.base_model} on {self.gpus} x {self.gpu}"

    def as_format(self) -> dict:
        """The scenario-format `measured_runs` item."""
        return {name: getattr(self, name) for name in self.FORMAT_FIELDS}


class Portfolio(models.Model):
    """Scenarios of one project that could share one base model as adapters."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="portfolios")
    name = models.CharField(max_length=120)
    scenarios = models.ManyToManyField(Scenario, related_name="portfolios")
    # A per-request latency target (seconds); the adapter overhead may break it.
    latency_target_seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
