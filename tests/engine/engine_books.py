"""A small price book for engine tests and the benchmark, built inline.

The architectures are the published model configs; the prices are the seed's figures
(domain.md section 10). Source URLs point at the public pages the figures come from.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from decisions.engine.pricebook import (
    BareMetalPrice,
    BaseModel,
    Gpu,
    GpuRentalPrice,
    HostingPrice,
    InferencePrice,
    PriceBook,
    Provider,
    TrainingPrice,
)

AS_OF = date(2026, 2, 1)
TOGETHER = "https://www.together.ai/pricing"
OPENAI = "https://openai.com/api/pricing/"


def _model(slug: str, **kw) -> BaseModel:
    defaults = dict(name=slug, family=slug.split("-")[0], open_weight=True, license="custom")
    defaults.update(kw)
    if "active_params" not in defaults:
        defaults["active_params"] = defaults["total_params"]
    return BaseModel(slug=slug, **defaults)


MODELS = [
    _model("llama-2-7b", total_params=6.74e9, layers=32, hidden_size=4096,
           intermediate_size=11008, attention_heads=32, kv_heads=32, vocab_size=32000,
           license_name="Llama 2 Community License", license_notes="the 700M MAU cap",
           context_length=4096),
    _model("llama-3.1-8b", total_params=8.03e9, layers=32, hidden_size=4096,
           intermediate_size=14336, attention_heads=32, kv_heads=8, vocab_size=128256,
           license_name="Llama 3.1 Community License", license_notes="the 700M MAU cap",
           context_length=131072),
    _model("llama-3.1-70b", total_params=70.6e9, layers=80, hidden_size=8192,
           intermediate_size=28672, attention_heads=64, kv_heads=8, vocab_size=128256,
           license_name="Llama 3.1 Community License", license_notes="the 700M MAU cap",
           context_length=131072),
    _model("mistral-7b", total_params=7.24e9, layers=32, hidden_size=4096,
           intermediate_size=14336, attention_heads=32, kv_heads=8, vocab_size=32000,
           license="apache-2.0", context_length=32768),
    _model("qwen3-8b", total_params=8.19e9, layers=36, hidden_size=4096,
           intermediate_size=12288, attention_heads=32, kv_heads=8, head_dim=128,
           vocab_size=151936, license="apache-2.0", context_length=32768),
    _model("gemma-3-27b", total_params=27.4e9, layers=62, hidden_size=5376,
           intermediate_size=21504, attention_heads=32, kv_heads=16, head_dim=128,
           vocab_size=262144, license_name="Gemma Terms of Use",
           license_notes="the Gemma prohibited-use policy", context_length=131072),
    _model("qwen3-235b-a22b", total_params=235e9, active_params=22e9, layers=94,
           hidden_size=4096, intermediate_size=12288, attention_heads=64, kv_heads=4,
           head_dim=128, vocab_size=151936, num_experts=128, experts_per_token=8,
           moe_intermediate_size=1536, license="apache-2.0", context_length=32768),
    _model("gpt-4o", total_params=0.0, open_weight=False, license="proprietary"),
    _model("gpt-4o-mini", total_params=0.0, open_weight=False, license="proprietary"),
]  # fmt: skip

GPUS = [
    Gpu("a100-80gb", "A100 80GB", 80, 312, 2039),
    Gpu("h100-80gb", "H100 SXM 80GB", 80, 989, 3350),
    Gpu("h200-141gb", "H200 141GB", 141, 989, 4800),
    Gpu("l40s-48gb", "L40S 48GB", 48, 362, 864),
    Gpu("rtx-4090-24gb", "RTX 4090 24GB", 24, 165, 1008),
    Gpu("l4-24gb", "L4 24GB", 24, 121, 300),
]

PROVIDERS = [
    Provider("together", "Together AI", "managed_finetuning"),
    Provider("fireworks", "Fireworks", "managed_finetuning"),
    Provider("openai", "OpenAI", "proprietary_api"),
    Provider("vast", "Vast.ai", "gpu_cloud"),
    Provider("lambda", "Lambda", "gpu_cloud"),
    Provider("runpod", "RunPod", "gpu_cloud"),
    Provider("own", "Own hardware", "on_prem"),
]


def _train(provider, method, price, lo=None, hi=None, model=None, url=TOGETHER):
    return TrainingPrice(provider, method, price, url, AS_OF, model=model,
                         min_params_b=lo, max_params_b=hi)  # fmt: skip


def _infer(provider, ft, i, o, lo=None, hi=None, model=None, url=TOGETHER):
    return InferencePrice(provider, ft, i, o, url, AS_OF, model=model,
                          min_params_b=lo, max_params_b=hi)  # fmt: skip


TRAINING = [
    _train("together", "lora", 0.48, 0, 16),
    _train("together", "full", 0.54, 0, 16),
    _train("together", "lora", 1.50, 16, 69),
    _train("together", "full", 1.65, 16, 69),
    _train("together", "lora", 2.90, 69, 100),
    _train("together", "full", 3.20, 69, 100),
    _train("fireworks", "lora", 0.50, 0, 16, url="https://fireworks.ai/pricing"),
    _train("fireworks", "lora", 3.00, 16, 80, url="https://fireworks.ai/pricing"),
    _train("openai", "full", 25.0, model="gpt-4o", url=OPENAI),
    _train("openai", "full", 3.0, model="gpt-4o-mini", url=OPENAI),
]

INFERENCE = [
    _infer("openai", False, 2.50, 10.00, model="gpt-4o", url=OPENAI),
    _infer("openai", True, 3.75, 15.00, model="gpt-4o", url=OPENAI),
    _infer("openai", False, 0.15, 0.60, model="gpt-4o-mini", url=OPENAI),
    _infer("openai", True, 0.30, 1.20, model="gpt-4o-mini", url=OPENAI),
    _infer("together", False, 0.18, 0.18, model="llama-3.1-8b"),
    _infer("together", False, 0.88, 0.88, model="llama-3.1-70b"),
    _infer("together", False, 0.20, 0.20, 0, 16),
    _infer("fireworks", False, 0.20, 0.20, 0, 16, url="https://fireworks.ai/pricing"),
    _infer("fireworks", False, 0.90, 0.90, 16, 80, url="https://fireworks.ai/pricing"),
]

HOSTING = [
    HostingPrice("together", "h100-80gb", 1, 3.36, TOGETHER, AS_OF),
    HostingPrice("together", "h100-80gb", 2, 6.72, TOGETHER, AS_OF),
    HostingPrice("fireworks", "a100-80gb", 1, 2.90, "https://fireworks.ai/pricing", AS_OF),
]

RENTAL = [
    GpuRentalPrice("vast", "h100-80gb", 1.49, "https://vast.ai/pricing", AS_OF),
    GpuRentalPrice("lambda", "h100-80gb", 2.49, "https://lambda.ai/pricing", AS_OF),
    GpuRentalPrice("lambda", "a100-80gb", 1.99, "https://lambda.ai/pricing", AS_OF),
    GpuRentalPrice("lambda", "rtx-4090-24gb", 0.74, "https://lambda.ai/pricing", AS_OF),
    GpuRentalPrice("runpod", "h100-80gb", 3.29, "https://runpod.io/pricing", AS_OF, 2.39),
    GpuRentalPrice("runpod", "a100-80gb", 1.64, "https://runpod.io/pricing", AS_OF),
]

BARE_METAL = [
    BareMetalPrice("own", "l40s-48gb", 1, 953.0, "https://example.org/bare-metal", AS_OF,
                   label="7B on L40S"),
]  # fmt: skip


def make_book(**changes) -> PriceBook:
    """The test price book; keyword arguments replace whole sections (e.g. training=...)."""
    book = PriceBook(
        version="test-2026-02",
        published_at=AS_OF,
        providers={p.slug: p for p in PROVIDERS},
        gpus={g.slug: g for g in GPUS},
        models={m.slug: m for m in MODELS},
        training=tuple(TRAINING),
        inference=tuple(INFERENCE),
        hosting=tuple(HOSTING),
        gpu_rental=tuple(RENTAL),
        bare_metal=tuple(BARE_METAL),
    )
    return replace(book, **changes) if changes else book
