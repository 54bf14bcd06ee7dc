"""Gather the reviewed items of every interview into clusterable members, with evidence helpers."""
from __future__ import annotations

from dataclasses import dataclass

from schemas import Cluster, Evidence, EvidenceRef, Extraction, Item, Transcript

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


def counts(item: Item, include_unreviewed: bool) -> bool:
    """Rejected items never count; pending ones count unless the settings say only reviewed items do."""
    if item.verdict == "rejected":
        return False
    return include_unreviewed or item.verdict == "accepted"


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


def collect_members(extractions: list[Extraction], include_unreviewed: bool = True) -> list[Member]:
    """Every countable item, sorted so that the order never depends on the input order."""
    members: dict[tuple[str, str, str], Member] = {}
    for extraction in extractions:
        for item in extraction.items():
            kind = _kind(item)
            if kind is None or not counts(item, include_unreviewed) or not item.quote.text.strip():
                continue
            member = Member(kind, extraction.interview_id, item, member_text(kind, item).strip() or item.quote.text)
            members.setdefault((kind, extraction.interview_id, item.id or f"{item.quote.turn}:{item.quote.start_char}"), member)
    return sorted(members.values(), key=lambda m: (CLUSTER_KINDS.index(m.kind), m.sort_key))


def sorted_inputs(reviewed: list[tuple[Transcript, Extraction]]) -> list[tuple[Transcript, Extraction]]:
    by_id = {extraction.interview_id: (t, extraction) for t, extraction in reviewed}
    return [by_id[k] for k in sorted(by_id)]


def evidence_of(refs: list[EvidenceRef], total: int) -> Evidence:
    refs = sorted({(r.interview_id, r.item_id): r for r in refs}.values(), key=lambda r: (r.interview_id, r.turn, r.item_id))
    return Evidence(participants=sorted({r.interview_id for r in refs}), total_participants=total, refs=refs)


def merge_evidence(parts: list[Evidence], total: int) -> Evidence:
    return evidence_of([r for e in parts for r in e.refs], total)


@dataclass
class ClusterInfo:
    """A cluster with its members, most central first (the first is the medoid), kept for the writers."""

    cluster: Cluster
    members: list[Member]

    @property
    def medoid(self) -> Member:
        return self.members[0]
