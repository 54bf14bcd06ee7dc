"""Gather the reviewed items of every interview into clusterable members, with evidence helpers.

What counts follows the review (settings.evidence):
- "auto" (default): nothing reviewed yet -> every draft item of every interview counts
  ("drafts"); once any interview is marked reviewed -> only the items the researcher accepted in
  reviewed interviews count, and figures say "N of M reviewed participants" ("reviewed").
- "all": reviewed interviews give their accepted items, the others their drafts; M = all.
- "reviewed": as auto once something is reviewed, even before (then nothing counts).
A rejected quote is gone everywhere: an item of any kind whose quote overlaps a rejected one
does not count either (rejecting a force also removes the struggling moment told in its words).
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas import Cluster, Evidence, EvidenceRef, Extraction, Item, Transcript
from schemas.synthesis import Basis

from ..grounding import overlap

REJECTED_OVERLAP = 0.5


@dataclass(frozen=True)
class Reviewed:
    """One interview as synthesis sees it: the transcript, the extraction with the review applied,
    and whether the researcher marked the interview reviewed."""

    transcript: Transcript
    extraction: Extraction
    reviewed: bool = False

    @property
    def interview_id(self) -> str:
        return self.extraction.interview_id


def choose_basis(inputs: list[Reviewed], setting: str) -> Basis:
    if setting == "all":
        return "all"
    if setting == "reviewed" or any(i.reviewed for i in inputs):
        return "reviewed"
    return "drafts"


def counted(inputs: list[Reviewed], basis: Basis) -> list[Reviewed]:
    """The interviews whose participants the figures count (the denominator)."""
    return [i for i in inputs if i.reviewed] if basis == "reviewed" else list(inputs)

# Cluster kinds, in the order the report shows them.
CLUSTER_KINDS = ("push", "pull", "anxiety", "habit", "struggling_moment", "desired_outcome", "decision_criterion")


@dataclass(frozen=True)
class Member:
    """One item of one interview, with the text its meaning is judged by."""

    kind: str
    interview_id: str
    item: Item
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.interview_id, self.item.id)

    @property
    def sort_key(self) -> tuple:
        q = self.item.quote
        return (self.interview_id, q.turn, q.start_char, q.end_char, self.item.id)

    def ref(self) -> EvidenceRef:
        q = self.item.quote
        return EvidenceRef(interview_id=self.interview_id, item_id=self.item.id, quote=q.text, turn=q.turn, start=q.start)


def counts(item: Item, interview_reviewed: bool) -> bool:
    """Rejected items never count; in a reviewed interview only accepted ones do."""
    if item.verdict == "rejected":
        return False
    return item.verdict == "accepted" or not interview_reviewed


def member_text(kind: str, item: Item) -> str:
    if kind == "desired_outcome":
        # the object and the words said; not the statement, whose shared template ("Minimize the
        # time it takes to ...") would make every outcome look alike
        return f"{item.object}. {item.quote.text}"  # type: ignore[attr-defined]
    if kind == "decision_criterion":
        return item.criterion or item.quote.text  # type: ignore[attr-defined]
    if kind == "struggling_moment":
        return item.quote.text
    return item.quote.text


def _kind(item: Item) -> str | None:
    kind = getattr(item, "kind", None)
    if kind == "force":
        return item.type  # type: ignore[attr-defined]
    return kind if kind in CLUSTER_KINDS else None


def collect_members(inputs: list[Reviewed]) -> list[Member]:
    """Every countable item of the given interviews, sorted so that the order never depends on the input order."""
    members: dict[tuple[str, str, str], Member] = {}
    for one in inputs:
        extraction = one.extraction
        rejected = [i.quote for i in extraction.items() if i.verdict == "rejected"]
        for item in extraction.items():
            kind = _kind(item)
            if kind is None or not counts(item, one.reviewed) or not item.quote.text.strip():
                continue
            if any(overlap(item.quote, r) >= REJECTED_OVERLAP for r in rejected):
                continue
            member = Member(kind, extraction.interview_id, item, member_text(kind, item).strip() or item.quote.text)
            members.setdefault((kind, extraction.interview_id, item.id or f"{item.quote.turn}:{item.quote.start_char}"), member)
    return sorted(members.values(), key=lambda m: (CLUSTER_KINDS.index(m.kind), m.sort_key))


def sorted_inputs(inputs: list[Reviewed]) -> list[Reviewed]:
    by_id = {one.interview_id: one for one in inputs}
    return [by_id[k] for k in sorted(by_id)]


def evidence_of(refs: list[EvidenceRef], total: int, basis: Basis = "drafts") -> Evidence:
    refs = sorted({(r.interview_id, r.item_id): r for r in refs}.values(), key=lambda r: (r.interview_id, r.turn, r.item_id))
    return Evidence(participants=sorted({r.interview_id for r in refs}), total_participants=total, refs=refs, basis=basis)


def merge_evidence(parts: list[Evidence], total: int) -> Evidence:
    basis = parts[0].basis if parts else "drafts"
    return evidence_of([r for e in parts for r in e.refs], total, basis)


@dataclass
class ClusterInfo:
    """A cluster with its members, most central first (the first is the medoid), kept for the writers."""

    cluster: Cluster
    members: list[Member]
    centre: object = None  # the mean of the members' vectors (numpy), for naming the theme

    @property
    def medoid(self) -> Member:
        return self.members[0]
