"""How a change moves phase readiness: the rules it breaks and the rules it satisfies.

Both revisions are assessed at their own milestone (a change of the manifest's phase moves
the bar too), and compared rule by rule and fact by fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmc_dossier.model.dossier import Dossier
from cmc_dossier.strategy.readiness import Assessment, assess, milestone_of


@dataclass(frozen=True)
class ReadinessDelta:
    base_milestone: str
    head_milestone: str
    opened: list[Assessment]  # unmet at head, not unmet at base
    closed: list[Assessment]  # unmet at base, no longer unmet at head

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.closed or self.base_milestone != self.head_milestone)


def readiness_delta(base: Dossier, head: Dossier) -> ReadinessDelta:
    def unmet(dossier: Dossier) -> dict[tuple[str, str], Assessment]:
        return {(a.rule.id, a.subject): a for a in assess(dossier) if a.met is False}

    before, after = unmet(base), unmet(head)
    return ReadinessDelta(
        milestone_of(base),
        milestone_of(head),
        [a for key, a in after.items() if key not in before],
        [a for key, a in before.items() if key not in after],
    )
