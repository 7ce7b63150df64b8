"""The seed's four questions, in order, and the verdict they lead to (domain.md section 8).

Read top to bottom: each question is one function returning (answer, reason); the
verdict rules are one list of if-statements; warnings are independent checks. The
numbers in the reasons come from the computed result, never from a constant.
"""

from __future__ import annotations

from typing import Any

from decisions.engine import evidence
from decisions.engine.pricebook import BaseModel
from decisions.engine.scenario import Scenario

# Data thresholds (seed): minimum examples and the range where more stops paying.
DATA_THRESHOLDS = {
    "behavior": (500, 2_000),
    "format": (500, 2_000),
    "task": (5_000, 20_000),
    "knowledge": (50_000, None),
}
MIN_EVAL_SET = 50
LOW_VOLUME_DAILY_CALLS = 1_000  # seed: below ~1,000 calls a day it rarely pays
FINE_TUNING_FAILURES = {"format", "tone", "behavior", "task_errors"}
CLEAN_LICENSES = {"apache-2.0", "mit"}


def question_prompting(s: Scenario) -> tuple[str, str]:
    """1. Is prompt engineering insufficient? (yes = fine-tuning has a job to do)

    Measured quality on the team's test set, when there is any, replaces the estimate.
    """
    p = s.prompting
    ft_failures = sorted(FINE_TUNING_FAILURES.intersection(p.failure_modes))
    measured = evidence.measured_prompting_quality(s.evaluation)
    if measured is None:
        gap = p.target_quality - p.prompting_quality
        quality = (
            f"prompting reaches {p.prompting_quality:.0%} against a {p.target_quality:.0%} target"
        )
    else:
        gap = p.target_quality - measured
        quality = evidence.measured_summary(s.evaluation, p.target_quality)
    if not ft_failures and gap <= 0 and not _needs_rag(s):
        return "no", f"Prompting already meets the target ({quality}): stop there."
    if ft_failures or gap > 0:
        what = ", ".join(ft_failures) if ft_failures else "quality"
        reason = f"Prompting falls short on {what} ({quality}); fine-tuning fixes these."
        if _needs_rag(s):
            reason += " Fresh or changing knowledge also needs retrieval (RAG)."
        return "yes", reason
    return "partly", (
        "Prompting falls short only on fresh or changing knowledge, which retrieval (RAG) "
        f"fixes rather than fine-tuning ({quality})."
    )


def question_volume(s: Scenario, result: dict[str, Any]) -> tuple[str, str]:
    """2. Is volume sufficient? Answered from the computed payback."""
    calls = f"{s.inference.daily_calls:,.0f} calls/day"
    monthly = result["monthly"]
    payback = result["payback_months"]
    refresh, horizon = s.velocity.refresh_months, s.horizon_months
    low = (
        f" Below ~{LOW_VOLUME_DAILY_CALLS:,} calls a day fine-tuning rarely pays."
        if s.inference.daily_calls < LOW_VOLUME_DAILY_CALLS
        else ""
    )
    if payback is None:
        return "no", (
            f"At {calls} the fine-tuned option costs ${monthly['finetuned']:,.2f}/month "
            f"against ${monthly['baseline']:,.2f}/month on the API: it never pays back "
            f"the ${result['upfront_cost']:,.2f} upfront.{low}"
        )
    text = (
        f"Payback {payback:.1f} months at {calls}: ${result['upfront_cost']:,.2f} upfront "
        f"against ${monthly['savings']:,.2f}/month saved"
    )
    if payback <= refresh:
        return "yes", f"{text}, within the {refresh}-month refresh interval."
    if payback <= horizon:
        return "partly", f"{text}, longer than the {refresh}-month refresh interval.{low}"
    return "no", f"{text}, beyond the {horizon}-month horizon.{low}"


def question_data(s: Scenario) -> tuple[str, str]:
    """3. Is the data available and clean? 'no' is a blocker that can be fixed."""
    d = s.data
    minimum, enough = DATA_THRESHOLDS[s.use_case]
    wanted = f"{minimum:,}-{enough:,}" if enough else f"{minimum:,}+"
    have = f"{d.train_examples:,} training examples ({s.use_case} needs {wanted})"
    if d.train_examples < minimum:
        return "no", f"Only {have}: collect more before training."
    if d.eval_set_examples < MIN_EVAL_SET:
        return "no", (
            f"{have}, but the held-out evaluation set has {d.eval_set_examples} examples; "
            f"build {MIN_EVAL_SET}-100 with defined correct outputs before training."
        )
    if d.quality == "noisy":
        return "no", f"{have}, but noisy: 1,000 clean examples beat 50,000 noisy ones."
    if d.quality in ("mixed", "unknown"):
        return "partly", f"{have}; quality is {d.quality}: review and clean before training."
    return "yes", f"{have}, clean, with an evaluation set of {d.eval_set_examples}."


def question_velocity(s: Scenario, result: dict[str, Any]) -> tuple[str, str]:
    """4. Is the model velocity acceptable? The fine-tune must pay back within its life.

    yes: one model pays back before its refresh; partly: it does not, but with refreshes
    the fine-tune still catches up within the horizon and is worth it (NPV > 0); no:
    chasing the frontier, or the refreshes never let it catch up at a positive NPV.
    """
    refresh, npv = s.velocity.refresh_months, result["npv"]
    payback, breakeven = result["payback_months"], result["breakeven_month"]
    if s.velocity.chasing_frontier:
        return "no", (
            "You are chasing the frontier: proprietary APIs upgrade faster than a "
            f"fine-tune refreshed every {refresh} months."
        )
    if payback is not None and payback <= refresh:
        return "yes", (
            f"Payback {payback:.1f} months comes before the {refresh}-month refresh: each "
            "model pays for itself before a better base model replaces it."
        )
    if breakeven is not None and npv > 0:
        return "partly", (
            f"One model does not pay back within its {refresh}-month life, but with refreshes "
            f"the fine-tune is cheaper from month {breakeven} of {s.horizon_months} "
            f"(NPV ${npv:,.2f})."
        )
    if breakeven is not None:
        return "no", (
            f"With a refresh every {refresh} months the fine-tune catches up only in month "
            f"{breakeven} of {s.horizon_months}; its NPV is ${npv:,.2f}."
        )
    return "no", (
        f"With a refresh every {refresh} months the fine-tune never catches up with the API "
        f"within {s.horizon_months} months (NPV ${npv:,.2f})."
    )


def _needs_rag(s: Scenario) -> bool:
    return s.prompting.needs_fresh_knowledge or "knowledge" in s.prompting.failure_modes


def verdict(s: Scenario, answers: dict[str, str]) -> str:
    """The rules, in order; the first that applies decides."""
    if answers["prompting"] == "no":
        return "prompting"
    if answers["prompting"] == "partly":
        return "rag"
    if answers["volume"] == "no" or answers["velocity"] == "no":
        return "stay-on-api"
    if answers["data"] == "no":
        return "not-yet"  # a fixable blocker: more data, an evaluation set, cleaning
    return "fine-tune+rag" if _needs_rag(s) else "fine-tune"


def size_band(model: BaseModel) -> str:
    b = model.params_b
    if b < 7:
        return "<7B"
    if b <= 13.5:
        return "7-13B"
    if b <= 35:
        return "14-34B"
    if b <= 80:
        return "35-80B"
    return ">80B"


def recommendation(s: Scenario, model: BaseModel, result: dict[str, Any]) -> dict[str, str]:
    """LoRA by default; QLoRA when memory is the constraint; full only if chosen."""
    method = s.training.method
    if method == "lora" and s.training.platform != "managed":
        gpu_fits = {(f["gpu"], f["method"]): f["gpus"] for f in result["fits"]}
        if (
            gpu_fits.get((s.training.gpu, "lora")) != 1
            and gpu_fits.get((s.training.gpu, "qlora")) == 1
        ):
            method = "qlora"
    platform, serving = s.training.platform, s.inference.serving
    if s.constraints.regulated_data:
        platform = "on_prem" if platform == "on_prem" else "self_hosted"
        serving = "self_hosted"
    return {
        "method": method,
        "platform": platform,
        "size_band": size_band(model),
        # Adapters let one base model serve many tasks; merging removes that option.
        "deployment": "merged" if method == "full" else "adapter",
        "serving": serving,
    }


def warnings(s: Scenario, model: BaseModel, baseline: BaseModel) -> list[str]:
    out = []
    lic = model.license.lower()
    if lic not in CLEAN_LICENSES:
        notes = model.license_notes or "user caps, geography, revenue limits and output rules"
        name = model.license_name or lic
        out.append(f"licence of {model.slug} is {lic} ({name}); check its terms: {notes}")
    if lic not in s.constraints.allowed_licenses:
        allowed = ", ".join(s.constraints.allowed_licenses) or "none"
        out.append(f"licence {lic} of {model.slug} is not in the allowed list ({allowed})")
    if s.constraints.regulated_data:
        if s.training.platform == "managed":
            out.append(
                "regulated data: a managed platform trains on third-party infrastructure; "
                "train self-hosted or on-prem"
            )
        if s.inference.serving != "self_hosted":
            out.append(
                f"regulated data: {s.inference.serving} serving processes requests on "
                "third-party infrastructure; serve self-hosted or on-prem"
            )
        if not baseline.open_weight:
            out.append(
                f"regulated data: the baseline {baseline.slug} is a proprietary API that "
                "processes data on third-party infrastructure"
            )
    if s.data.eval_set_examples == 0:
        out.append("no evaluation set: build 50-100 representative examples first")
    elif s.data.eval_set_examples < MIN_EVAL_SET:
        out.append(
            f"evaluation set of {s.data.eval_set_examples} examples is below the "
            f"{MIN_EVAL_SET}-100 needed"
        )
    out += evidence_warnings(s)
    minimum, _ = DATA_THRESHOLDS[s.use_case]
    if s.data.train_examples < minimum:
        out.append(
            f"{s.data.train_examples:,} training examples is below the {minimum:,} a "
            f"{s.use_case} fine-tune needs"
        )
    if s.data.quality == "noisy":
        out.append("noisy data: clean it first; 1,000 clean examples beat 50,000 noisy ones")
    if s.velocity.chasing_frontier:
        out.append("chasing the frontier favours proprietary APIs, which upgrade faster")
    if s.training.method == "full":
        out.append(
            "full fine-tuning needs a stated reason: LoRA recovers 90-95% of its quality "
            "at a fraction of the memory"
        )
    return out


def evidence_warnings(s: Scenario) -> list[str]:
    """What the measured quality says: a small test set, a fine-tune that does not help."""
    e = s.evaluation
    if e is None:
        return []
    out = []
    if e.test_set.examples < evidence.MIN_TEST_SET:
        low, high = evidence.wilson_interval(0.5 * e.test_set.examples, e.test_set.examples)
        out.append(
            f"the measured test set has {e.test_set.examples} examples, below the "
            f"{evidence.MIN_TEST_SET}-100 needed: at 50% accuracy its 95% interval spans "
            f"{low:.0%}-{high:.0%}"
        )
    finetuned = evidence.best(e, "finetuned")
    prompted = evidence.measured_prompting_quality(e)
    if finetuned is not None and prompted is not None and finetuned.accuracy <= prompted:
        out.append(
            f"measured: the fine-tuned candidate ({finetuned.accuracy:.0%}) does not beat "
            f"prompting ({prompted:.0%})"
        )
    if finetuned is not None and finetuned.accuracy < s.prompting.target_quality:
        out.append(
            f"measured: the fine-tuned candidate reaches {finetuned.accuracy:.0%}, short of "
            f"the {s.prompting.target_quality:.0%} target"
        )
    return out


def assess(
    s: Scenario, model: BaseModel, baseline: BaseModel, result: dict[str, Any]
) -> dict[str, Any]:
    """The framework block of the result: questions, verdict, recommendation, warnings."""
    answered = {
        "prompting": question_prompting(s),
        "volume": question_volume(s, result),
        "data": question_data(s),
        "velocity": question_velocity(s, result),
    }
    return {
        "questions": [
            {"id": qid, "answer": answer, "reason": reason}
            for qid, (answer, reason) in answered.items()
        ],
        "verdict": verdict(s, {qid: answer for qid, (answer, _) in answered.items()}),
        "recommendation": recommendation(s, model, result),
        "warnings": warnings(s, model, baseline),
    }
