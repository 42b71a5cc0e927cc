"""What the summary shows: therapies by tier with resistance beside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from actionable.matching.tiers import TIER_TEXT, TIERS, tier_rank
from actionable.report.model import Finding, ReportedEvidence


@dataclass(frozen=True)
class Support:
    """One alteration's evidence for (or against) a therapy, with the condition it holds under."""

    alteration: str
    tier: str
    level: str
    disease: str
    on_label: bool
    source: str
    condition: str | None


@dataclass
class TherapyLine:
    therapy: str
    tier: str
    on_label: bool
    sensitivity: list[Support] = field(default_factory=list)
    resistance: list[Support] = field(default_factory=list)


@dataclass
class TierGroup:
    tier: str
    title: str
    therapies: list[TherapyLine]


def _support(finding: Finding, e: ReportedEvidence) -> Support:
    return Support(finding.label, e.tier, e.level, e.disease, e.on_label, e.source, e.condition)


def _unique(items: list[Support]) -> list[Support]:
    seen: set[Support] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def therapies_by_tier(findings: list[Finding]) -> tuple[list[TierGroup], list[TherapyLine]]:
    """Group sensitivity evidence by therapy and its best tier; resistance goes beside it.

    Returns the tier groups (I-A, I-B, II-C, II-D, then any other tier found) and the
    therapies that only have resistance evidence.
    """
    sensitivity: dict[str, list[Support]] = {}
    resistance: dict[str, list[Support]] = {}
    for finding in findings:
        for e in finding.evidence:
            if e.is_sensitivity:
                sensitivity.setdefault(e.therapy, []).append(_support(finding, e))
            elif e.is_resistance:
                resistance.setdefault(e.therapy, []).append(_support(finding, e))

    def rank(s: Support) -> tuple[int, bool, str]:
        return (tier_rank(s.tier), not s.on_label, s.alteration)

    lines: list[TherapyLine] = []
    for therapy, supports in sensitivity.items():
        supports = sorted(_unique(supports), key=rank)
        best = supports[0]
        lines.append(
            TherapyLine(
                therapy=therapy,
                tier=best.tier,
                on_label=best.on_label,
                sensitivity=supports,
                resistance=sorted(_unique(resistance.get(therapy, [])), key=rank),
            )
        )
    extra_tiers = sorted({line.tier for line in lines if line.tier not in TIERS})
    groups = []
    for tier in (*TIERS, *extra_tiers):
        members = sorted(
            (line for line in lines if line.tier == tier),
            key=lambda line: (bool(line.resistance), not line.on_label, line.therapy),
        )
        if members:
            groups.append(TierGroup(tier, TIER_TEXT.get(tier, f"Tier {tier}"), members))
    only_resistance = [
        TherapyLine(
            therapy=therapy,
            tier=sorted(supports, key=rank)[0].tier,
            on_label=False,
            resistance=sorted(_unique(supports), key=rank),
        )
        for therapy, supports in sorted(resistance.items())
        if therapy not in sensitivity
    ]
    return groups, only_resistance
