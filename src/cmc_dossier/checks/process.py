"""Process description consistency: unit operation order, ranges, parameter criticality."""

from __future__ import annotations

from collections import defaultdict

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import Range
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ManufacturingProcess, ProcessParameter, UnitOperation


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


def check_ranges(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for parameter in dossier.of_kind(ProcessParameter):
        ranges = {
            "normal_operating_range": parameter.normal_operating_range,
            "proven_acceptable_range": parameter.proven_acceptable_range,
        }
        for name, span in ranges.items():
            if span and span.low is not None and span.high is not None and span.low > span.high:
                found.append(
                    diagnostic(
                        "DOS303",
                        f"{parameter.id}: `{name}` low {span.low} is above high {span.high}",
                        dossier.locate(parameter.id, (name,)),
                    )
                )
        target = parameter.target
        for name, span in ranges.items():
            if span is None or target is None:
                continue
            if (span.low is not None and target < span.low) or (
                span.high is not None and target > span.high
            ):
                found.append(
                    diagnostic(
                        "DOS303",
                        f"{parameter.id}: target {target} lies outside `{name}` {span}",
                        dossier.locate(parameter.id, ("target",)),
                    )
                )
        normal, proven = ranges.values()
        if normal and proven and not _inside(normal, proven):
            found.append(
                diagnostic(
                    "DOS303",
                    f"{parameter.id}: normal operating range {normal} is not inside the "
                    f"proven acceptable range {proven}",
                    dossier.locate(parameter.id, ("normal_operating_range",)),
                    hint="the NOR must lie within the PAR (ICH Q8(R2))",
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
