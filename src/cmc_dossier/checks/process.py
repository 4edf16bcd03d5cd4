"""Process description consistency: unit operation order, ranges, parameter criticality."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import Range
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import (
    ManufacturingProcess,
    ProcessParameter,
    Setting,
    UnitOperation,
)


def check_process_membership(dossier: Dossier) -> list[Diagnostic]:
    found = []
    listings: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for process in dossier.of_kind(ManufacturingProcess):
        for index, operation_id in enumerate(process.unit_operations):
            listings[operation_id].append((process.id, index))
    for operation in dossier.of_kind(UnitOperation):
        listed = listings.get(operation.id, [])
        if not listed:
            found.append(
                diagnostic(
                    "DOS205",
                    f"unit operation '{operation.id}' is in no manufacturing process",
                    dossier.locate(operation.id, ("id",)),
                    hint="list it under `unit_operations` of its ManufacturingProcess",
                )
            )
        places = [dossier.locate(p, ("unit_operations", i)) for p, i in listed[1:]]
        if places:
            first = dossier.locate(listed[0][0], ("unit_operations", listed[0][1]))
            found.extend(
                diagnostic(
                    "DOS204",
                    f"unit operation '{operation.id}' is listed again (first at {first})",
                    place,
                    hint="a unit operation has one place in one process; define a new one "
                    "for a repeated step",
                    related=(first,),
                )
                for place in places
            )
    return found


_RANGES = {
    "control_range": "control range",
    "normal_operating_range": "normal operating range",
    "proven_acceptable_range": "proven acceptable range",
    "range": "range",
}


def _setting_problems(setting: Setting) -> Iterator[tuple[str, str, str | None]]:
    """(field, message, hint) for each inconsistency of one setting."""
    spans = {name: getattr(setting, name) for name in _RANGES}
    for name, span in spans.items():
        if span and span.low is not None and span.high is not None and span.low > span.high:
            yield name, f"`{name}` low {span.low} is above high {span.high}", None
    target = setting.target
    if target is not None:
        band = Range(low=target - (setting.tolerance or 0), high=target + (setting.tolerance or 0))
        for name, span in spans.items():
            if span is not None and not _inside(band, span):
                shown = f"{target} ± {setting.tolerance}" if setting.tolerance else f"{target}"
                yield "target", f"set point {shown} lies outside `{name}` {span}", None
    proven = spans["proven_acceptable_range"]
    for name in ("normal_operating_range", "control_range"):
        inner = spans[name]
        if inner and proven and not _inside(inner, proven):
            yield (
                name,
                f"{_RANGES[name]} {inner} is not inside the proven acceptable range {proven}",
                "operating outside the PAR is operating where acceptable quality is not shown "
                "(ICH Q8(R2) glossary)",
            )


def check_ranges(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for parameter in dossier.of_kind(ProcessParameter):
        for index, (period, setting) in enumerate(parameter.settings()):
            prefix: tuple[str | int, ...] = () if period is None else ("phases", index - 1)
            for name, message, hint in _setting_problems(setting):
                during = f" ({period})" if period else ""
                found.append(
                    diagnostic(
                        "DOS303",
                        f"{parameter.id}{during}: {message}",
                        dossier.locate(parameter.id, (*prefix, name)),
                        hint=hint,
                    )
                )
    return found


def _inside(inner: Range, outer: Range) -> bool:
    low_ok = outer.low is None or (inner.low is not None and inner.low >= outer.low)
    high_ok = outer.high is None or (inner.high is not None and inner.high <= outer.high)
    return low_ok and high_ok


def check_critical_parameters(dossier: Dossier) -> list[Diagnostic]:
    return [
        diagnostic(
            "DOS304",
            f"critical process parameter '{parameter.id}' names no CQA in `affects`",
            dossier.locate(parameter.id, ("criticality",)),
            hint="list the CQAs this parameter affects, or reclassify it as key or non-critical",
        )
        for parameter in dossier.of_kind(ProcessParameter)
        if parameter.criticality == "critical" and not parameter.affects
    ]
