"""Retain samples: each RetainSamplePlan checked against the batches that exist.

A plan says which batches of a product or material keep samples, how many, and for how
long; the batches recorded in the dossier show whether that happened. Retention periods
follow the GMP texts: one year after expiry for a drug substance or product (21 CFR
211.170(a)/(b); EU GMP Annex 19, 3.2) [S], two years after the product's release for
starting materials (EU GMP Annex 19, 3.3) [S], two years after the last clinical trial
that used an investigational batch (EU GMP Annex 13, 40; carried into the Commission
guideline on GMP for IMPs, 2017) [U], and samples kept for look-back testing,
comparability or investigation at least as long as the batch can be used, its shelf life
[U: the purpose of reference samples in EU GMP Annex 19, 1.1, read as a minimum].
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.control import Batch
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import Duration
from cmc_dossier.model.product import DrugProduct, DrugSubstance
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.model.strategy import RetainSamplePlan
from cmc_dossier.model.walk import Path as FieldPath
from cmc_dossier.strategy.finding import Finding
from cmc_dossier.strategy.readiness import minutes

YEAR = Decimal(525960)  # minutes, as `readiness.minutes` counts a year
REGULATORY = "regulatory-retention"
_PRODUCT_AFTER_EXPIRY = (YEAR, "21 CFR 211.170(a)/(b); EU GMP Annex 19, 3.2 [S]")
_MATERIAL_AFTER_RELEASE = (2 * YEAR, "EU GMP Annex 19, 3.3 [S]")
_AFTER_LAST_TRIAL = (2 * YEAR, "EU GMP Annex 13, 40 (investigational batches) [U]")
_SHELF_LIFE = "EU GMP Annex 19, 1.1: samples available for analysis while the batch is used [U]"


def _minutes(duration: Duration) -> Decimal | None:
    return minutes(f"{duration.value} {duration.unit}")


def shelf_life(dossier: Dossier, subject: str) -> Duration | None:
    """The subject's proposed shelf life: from its long-term study, else its longest."""
    studies = [
        s
        for s in dossier.of_kind(StabilityStudy)
        if s.subject == subject and s.proposed_shelf_life is not None
    ]
    long_term = [s for s in studies if s.study_type == "long-term"] or studies
    periods = [s.proposed_shelf_life.period for s in long_term if s.proposed_shelf_life]
    return max(periods, key=lambda p: _minutes(p) or Decimal(0), default=None)


@dataclass(frozen=True)
class Need:
    """The shortest retention a plan's purposes allow, and where that comes from."""

    minimum: Decimal  # minutes from the event `after` names
    after: str
    text: str
    basis: str


def retention(dossier: Dossier, plan: RetainSamplePlan) -> tuple[Decimal, Need] | None:
    """How long the plan keeps samples and the longest need among its purposes, counted
    from the same event; None when the facts cannot tell (no shelf life for a product,
    or a need counted from another event than the plan's)."""
    period = _minutes(plan.duration.period)
    if period is None:
        return None
    if plan.duration.after == "end-of-trial":
        if REGULATORY not in plan.purposes:
            return None
        return period, Need(_AFTER_LAST_TRIAL[0], "end of trial", "2 years", _AFTER_LAST_TRIAL[1])
    product = isinstance(dossier.index[plan.subject].value, DrugSubstance | DrugProduct)
    shelf = shelf_life(dossier, plan.subject)
    shelf_minutes = _minutes(shelf) if shelf else None
    if plan.duration.after == "expiry":
        if shelf_minutes is None:
            return None
        period += shelf_minutes  # counted from release from here on
    needs: list[Need] = []
    if REGULATORY in plan.purposes and product and shelf_minutes is not None:
        text = f"the shelf life ({shelf}) + 1 year"
        needs.append(Need(shelf_minutes + YEAR, "release", text, _PRODUCT_AFTER_EXPIRY[1]))
    if REGULATORY in plan.purposes and not product:
        minimum, basis = _MATERIAL_AFTER_RELEASE
        needs.append(Need(minimum, "release", "2 years", basis))
    if set(plan.purposes) - {REGULATORY} and product and shelf_minutes is not None:
        needs.append(Need(shelf_minutes, "release", f"the shelf life ({shelf})", _SHELF_LIFE))
    need = max(needs, key=lambda n: n.minimum, default=None)
    return (period, need) if need else None


def _finding(
    dossier: Dossier,
    code: str,
    about: str,
    plan: RetainSamplePlan,
    path: FieldPath,
    message: str,
    hint: str,
) -> Finding:
    """A finding placed in the plan, about a batch (what a waiver names) or the plan."""
    return Finding(about, diagnostic(code, message, dossier.locate(plan.id, path), hint=hint))


def check_retains(dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    batches = list(dossier.of_kind(Batch))
    for plan in dossier.of_kind(RetainSamplePlan):
        held = {record.batch: record for record in plan.retained}
        for index, record in enumerate(plan.retained):
            batch = dossier.index[record.batch].value
            assert isinstance(batch, Batch)
            if batch.product != plan.subject or not plan.covers(batch.use):
                found.append(_finding(
                    dossier, "DOS746", batch.id, plan, ("retained", index, "batch"),
                    f"{plan.id}: retained samples of {batch.batch_number} ({batch.product}, "
                    f"{', '.join(batch.use)}), a batch this plan does not cover "
                    f"({', '.join([plan.subject, *plan.batch_uses])})",
                    "record them under the plan that covers that batch, or widen `batch_uses`",
                ))  # fmt: skip
                continue
            quantity = record.quantity
            other_unit = quantity.unit != plan.quantity.unit
            if other_unit or quantity.value < plan.quantity.value:
                found.append(_finding(
                    dossier, "DOS745", batch.id, plan, ("retained", index, "quantity"),
                    f"{plan.id}: {batch.batch_number} holds {quantity}; the plan asks for "
                    f"{plan.quantity}" + (" (another unit)" if other_unit else ""),
                    "record what is really held and, where the batch could not spare more "
                    "(limited autologous material, for instance), say so in `note` and waive "
                    "this finding with that reason",
                ))  # fmt: skip
        where = ("retained",) if plan.retained else ("subject",)
        for batch in batches:
            if batch.product == plan.subject and plan.covers(batch.use) and batch.id not in held:
                found.append(_finding(
                    dossier, "DOS744", batch.id, plan, where,
                    f"{plan.id}: no retained samples recorded for {batch.batch_number} "
                    f"({', '.join(batch.use)}), which the plan covers",
                    f"add `{{batch: {batch.id}, quantity: ...}}` to `retained` with what is "
                    "held; basis: EU GMP Annex 19, 3.1 and 21 CFR 211.170 (samples of each batch)",
                ))  # fmt: skip
        kept = retention(dossier, plan)
        if kept is not None and kept[0] < kept[1].minimum:
            need = kept[1]
            found.append(_finding(
                dossier, "DOS747", plan.id, plan, ("duration",),
                f"{plan.id}: samples kept {plan.duration}; its purposes "
                f"({', '.join(plan.purposes)}) need {need.text} after {need.after}",
                f"lengthen `duration` or say why a shorter period serves; basis: {need.basis}",
            ))  # fmt: skip
    return found
