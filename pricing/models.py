"""Price catalogs: versions and every row they hold.

A catalog version is a complete snapshot: each provider, GPU, model and price row belongs
to exactly one version, and price rows point at providers/models/GPUs of the same
version. Published and retired versions are immutable; the model layer refuses writes
(`CatalogLocked`) so no admin screen, import or shell session can change a number a
report was computed with.

Field names mirror `decisions.engine.pricebook` so one dict shape serves the JSON file,
the export and the engine's price book.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from decisions.engine.pricebook import PROVIDER_KINDS, TRAINING_METHODS


class CatalogLocked(Exception):
    """A write to a published or retired catalog version."""


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


LOCKED_STATUSES = (Status.PUBLISHED, Status.RETIRED)


def stale_days() -> int:
    return getattr(settings, "PRICE_STALE_DAYS", 90)


def stale_before(days: int | None = None) -> date:
    """Rows dated before this day are stale."""
    return timezone.localdate() - timedelta(days=days if days is not None else stale_days())


class CatalogVersionQuerySet(models.QuerySet):
    def published(self) -> CatalogVersionQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def latest_published(self) -> CatalogVersion | None:
        """ "latest" is derived, never stored: the newest published, non-retired version.
        Exactly one exists as soon as anything is published, with no flag to keep in sync."""
        return self.published().order_by("-published_at", "-pk").first()

    def update(self, **kwargs):
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise CatalogLocked("Published and retired catalog versions cannot be updated.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise CatalogLocked("Published and retired catalog versions cannot be deleted.")
        return super().delete()


class CatalogVersion(models.Model):
    slug = models.SlugField(max_length=40, unique=True, help_text='For example "2026-11".')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True)
    cloned_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            self._refuse_locked_change()
        super().save(*args, **kwargs)

    def _refuse_locked_change(self) -> None:
        stored = CatalogVersion.objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_locked:
            return
        # The only change a locked version accepts is published -> retired.
        retiring = stored.status == Status.PUBLISHED and self.status == Status.RETIRED
        same_content = (self.slug, self.notes, self.published_at, self.cloned_from_id) == (
            stored.slug,
            stored.notes,
            stored.published_at,
            stored.cloned_from_id,
        )
        if not (retiring and same_content):
            raise CatalogLocked(f"Catalog {stored.slug} is {stored.status}: it cannot change.")

    def delete(self, *args, **kwargs):
        if CatalogVersion.objects.filter(pk=self.pk, status__in=LOCKED_STATUSES).exists():
            raise CatalogLocked(f"Catalog {self.slug} is {self.status}: it cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def is_latest(self) -> bool:
        latest = CatalogVersion.objects.latest_published()
        return latest is not None and latest.pk == self.pk

    def publish(self) -> None:
        if self.status != Status.DRAFT:
            raise CatalogLocked(f"Only a draft can be published; {self.slug} is {self.status}.")
        self.status = Status.PUBLISHED
        self.published_at = timezone.now()
        self.save(update_fields=["status", "published_at"])

    def retire(self) -> None:
        if self.status != Status.PUBLISHED:
            raise CatalogLocked(
                f"Only a published catalog can be retired; {self.slug} is {self.status}."
            )
        self.status = Status.RETIRED
        self.retired_at = timezone.now()
        self.save(update_fields=["status", "retired_at"])


def _refuse_locked_versions(version_ids: set[int]) -> None:
    locked = CatalogVersion.objects.filter(pk__in=version_ids, status__in=LOCKED_STATUSES)
    slugs = sorted(locked.values_list("slug", flat=True))
    if slugs:
        raise CatalogLocked(
            f"Catalog {', '.join(slugs)} is published or retired: it cannot change."
        )


class CatalogRowQuerySet(models.QuerySet):
    """Bulk writes go through here too, so they must refuse locked versions as save() does."""

    def _refuse_if_locked(self) -> None:
        _refuse_locked_versions(set(self.values_list("version_id", flat=True).distinct()))

    def update(self, **kwargs):
        self._refuse_if_locked()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_locked()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_locked_versions({o.version_id for o in objs})
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_locked_versions({o.version_id for o in objs})
        return super().bulk_update(objs, *args, **kwargs)

    def stale(self, days: int | None = None) -> CatalogRowQuerySet:
        return self.filter(as_of__lt=stale_before(days))


class CatalogRow(models.Model):
    """What every row of a catalog has: its version and its provenance."""

    version = models.ForeignKey(CatalogVersion, models.CASCADE, related_name="+")
    source_url = models.URLField(max_length=500, blank=True)
    as_of = models.DateField(null=True, blank=True)
    # Free text for provenance details a URL cannot carry ("seed: fine-tuning-business-case").
    notes = models.CharField(max_length=300, blank=True)

    objects = CatalogRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        _refuse_locked_versions({self.version_id})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_locked_versions({self.version_id})
        return super().delete(*args, **kwargs)

    @property
    def is_stale(self) -> bool:
        return self.as_of is not None and self.as_of < stale_before()

    def clean(self) -> None:
        super().clean()
        # A price row from another version would silently mix two snapshots.
        for name in ("provider", "model", "gpu"):
            target_id = getattr(self, f"{name}_id", None)
            if target_id is None:
                continue
            target = getattr(self, name)
            if self.version_id and target.version_id != self.version_id:
                raise ValidationError({name: "Must belong to the same catalog version."})


class Provider(CatalogRow):
    class Kind(models.TextChoices):
        MANAGED_FINETUNING = "managed_finetuning", "Managed fine-tuning"
        GPU_CLOUD = "gpu_cloud", "GPU cloud"
        PROPRIETARY_API = "proprietary_api", "Proprietary API"
        ON_PREM = "on_prem", "On-prem"

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    imported = models.BooleanField(
        default=False, help_text="Created by an import from a name we did not know."
    )

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="provider_slug_per_version"),
            models.CheckConstraint(
                condition=Q(kind__in=PROVIDER_KINDS), name="provider_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Gpu(CatalogRow):
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    memory_gb = models.FloatField()
    bf16_tflops = models.FloatField(help_text="Dense bf16, no sparsity.")
    bandwidth_gbs = models.FloatField()

    class Meta:
        ordering = ["slug"]
        verbose_name = "GPU type"
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="gpu_slug_per_version"),
            models.CheckConstraint(
                condition=Q(memory_gb__gt=0, bf16_tflops__gt=0, bandwidth_gbs__gt=0),
                name="gpu_specs_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BaseModel(CatalogRow):
    OPEN_LICENSES = ("apache-2.0", "mit")

    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    family = models.CharField(max_length=60, blank=True)
    total_params = models.FloatField(help_text="Parameter count, e.g. 8.03e9.")
    active_params = models.FloatField(help_text="Equals total_params for dense models.")
    open_weight = models.BooleanField(default=True)
    license = models.CharField(
        max_length=40, help_text='SPDX id ("apache-2.0"), "custom" or "proprietary".'
    )
    license_name = models.CharField(max_length=120, blank=True)
    license_notes = models.TextField(
        blank=True, help_text="User caps, geography, revenue limits, output rules."
    )
    release_date = models.DateField(null=True, blank=True)
    context_length = models.PositiveIntegerField(default=0)
    layers = models.PositiveIntegerField(null=True, blank=True)
    hidden_size = models.PositiveIntegerField(null=True, blank=True)
    intermediate_size = models.PositiveIntegerField(null=True, blank=True)
    attention_heads = models.PositiveIntegerField(null=True, blank=True)
    kv_heads = models.PositiveIntegerField(null=True, blank=True)
    head_dim = models.PositiveIntegerField(null=True, blank=True)
    vocab_size = models.PositiveIntegerField(null=True, blank=True)
    num_experts = models.PositiveIntegerField(default=0)
    experts_per_token = models.PositiveIntegerField(default=0)
    moe_intermediate_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["total_params", "slug"]
        verbose_name = "base model"
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="model_slug_per_version"),
            models.CheckConstraint(
                condition=Q(total_params__gte=0, active_params__gte=0), name="model_params_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def params_b(self) -> float:
        return self.total_params / 1e9

    @property
    def license_is_clean(self) -> bool:
        return self.license.lower() in self.OPEN_LICENSES


def _price_constraints(prefix: str, money_fields: list[str]) -> list[models.BaseConstraint]:
    """Every price row: a source, a date and money that is not negative."""
    checks: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=~Q(source_url="") & Q(as_of__isnull=False), name=f"{prefix}_has_provenance"
        )
    ]
    for name in money_fields:
        checks.append(
            models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                name=f"{prefix}_{name}_not_negative",
            )
        )
    return checks


def _model_or_band(prefix: str) -> models.CheckConstraint:
    """A row names a model or a size band (min < max), never both, never neither."""
    return models.CheckConstraint(
        condition=(
            Q(model__isnull=False, min_params_b__isnull=True, max_params_b__isnull=True)
            | Q(
                model__isnull=True,
                min_params_b__isnull=False,
                max_params_b__isnull=False,
                min_params_b__gte=0,
                max_params_b__gt=models.F("min_params_b"),
            )
        ),
        name=f"{prefix}_model_or_band",
    )


class PriceRow(CatalogRow):
    """Prices need provenance: the fields are required here, not optional as on entities."""

    source_url = models.URLField(max_length=500)
    as_of = models.DateField()

    class Meta:
        abstract = True

    @property
    def band_label(self) -> str:
        if getattr(self, "model_id", None):
            return str(self.model)
        low, high = self.min_params_b, self.max_params_b
        return f"{low:g}B < size <= {high:g}B"


class TrainingPrice(PriceRow):
    """Managed fine-tuning, per 1M billed tokens."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="training_prices")
    model = models.ForeignKey(
        BaseModel, models.CASCADE, null=True, blank=True, related_name="training_prices"
    )
    min_params_b = models.FloatField(null=True, blank=True)
    max_params_b = models.FloatField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=[(m, m) for m in TRAINING_METHODS])
    price_per_1m = models.FloatField()
    min_charge = models.FloatField(default=0.0)

    class Meta:
        ordering = ["provider__slug", "model__slug", "min_params_b", "method"]
        constraints = [
            *_price_constraints("training", ["price_per_1m", "min_charge"]),
            _model_or_band("training"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.method} {self.band_label}: ${self.price_per_1m}/1M"


class InferencePrice(PriceRow):
    """Per 1M tokens, for a base model or fine-tuned (adapter / ft:) inference."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="inference_prices")
    model = models.ForeignKey(
        BaseModel, models.CASCADE, null=True, blank=True, related_name="inference_prices"
    )
    min_params_b = models.FloatField(null=True, blank=True)
    max_params_b = models.FloatField(null=True, blank=True)
    fine_tuned = models.BooleanField(default=False)
    input_per_1m = models.FloatField()
    output_per_1m = models.FloatField()
    cached_input_per_1m = models.FloatField(null=True, blank=True)
    batch_input_per_1m = models.FloatField(null=True, blank=True)
    batch_output_per_1m = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["provider__slug", "model__slug", "min_params_b", "fine_tuned"]
        constraints = [
            *_price_constraints(
                "inference",
                [
                    "input_per_1m",
                    "output_per_1m",
                    "cached_input_per_1m",
                    "batch_input_per_1m",
                    "batch_output_per_1m",
                ],
            ),
            _model_or_band("inference"),
        ]

    def __str__(self) -> str:
        tuned = "fine-tuned" if self.fine_tuned else "base"
        return (
            f"{self.provider} {tuned} {self.band_label}: ${self.input_per_1m}/${self.output_per_1m}"
        )


class HostingPrice(PriceRow):
    """A dedicated deployment billed per hour whether it is busy or idle."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="hosting_prices")
    gpu = models.ForeignKey(Gpu, models.CASCADE, related_name="hosting_prices")
    gpus = models.PositiveIntegerField(default=1)
    per_hour = models.FloatField()

    class Meta:
        ordering = ["provider__slug", "gpu__slug", "gpus"]
        constraints = _price_constraints("hosting", ["per_hour"])

    def __str__(self) -> str:
        return f"{self.provider} {self.gpus} x {self.gpu}: ${self.per_hour}/h"


class GpuRentalPrice(PriceRow):
    provider = models.ForeignKey(Provider, models.CASCADE, related_name="gpu_prices")
    gpu = models.ForeignKey(Gpu, models.CASCADE, related_name="gpu_prices")
    on_demand_per_hour = models.FloatField(help_text="Per GPU.")
    spot_per_hour = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["provider__slug", "gpu__slug"]
        verbose_name = "GPU rental price"
        constraints = _price_constraints("gpu_rental", ["on_demand_per_hour", "spot_per_hour"])

    def __str__(self) -> str:
        return f"{self.provider} {self.gpu}: ${self.on_demand_per_hour}/GPU-hour"


class BareMetalPrice(PriceRow):
    provider = models.ForeignKey(Provider, models.CASCADE, related_name="bare_metal_prices")
    gpu = models.ForeignKey(Gpu, models.CASCADE, related_name="bare_metal_prices")
    gpus = models.PositiveIntegerField(default=1)
    per_month = models.FloatField()
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["provider__slug", "gpu__slug", "gpus", "label"]
        constraints = _price_constraints("bare_metal", ["per_month"])

    def __str__(self) -> str:
        return f"{self.provider} {self.gpus} x {self.gpu}: ${self.per_month}/month"


# Catalog JSON section name -> model, in the order rows must be written (references first).
SECTION_MODELS: dict[str, type[CatalogRow]] = {
    "providers": Provider,
    "gpus": Gpu,
    "models": BaseModel,
    "training_prices": TrainingPrice,
    "inference_prices": InferencePrice,
    "hosting_prices": HostingPrice,
    "gpu_prices": GpuRentalPrice,
    "bare_metal_prices": BareMetalPrice,
}
PRICE_SECTIONS = tuple(name for name in SECTION_MODELS if name.endswith("_prices"))

# Which fields identify a row within a version: imports update the row with the same key,
# the diff pairs rows by it.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "providers": ("slug",),
    "gpus": ("slug",),
    "models": ("slug",),
    "training_prices": ("provider", "model", "min_params_b", "max_params_b", "method"),
    "inference_prices": ("provider", "model", "min_params_b", "max_params_b", "fine_tuned"),
    "hosting_prices": ("provider", "gpu", "gpus"),
    "gpu_prices": ("provider", "gpu"),
    "bare_metal_prices": ("provider", "gpu", "gpus", "label"),
}

# Reference fields of price rows -> the entity section they name by slug.
REFERENCES: dict[str, str] = {"provider": "providers", "model": "models", "gpu": "gpus"}


class CatalogEvent(models.Model):
    """Who did what to a catalog, beyond single-row admin edits (those are in LogEntry)."""

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        IMPORT = "import", "Import"
        PUBLISH = "publish", "Publish"
        CLONE = "clone", "Clone"
        RETIRE = "retire", "Retire"

    version = models.ForeignKey(CatalogVersion, models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.version.slug}"
