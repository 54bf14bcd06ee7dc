"""LLM extraction: the transcript, chunked by turns, to an OpenAI-compatible model; every quote it
returns is grounded in the transcript (repaired to the real text, or dropped and counted).

The response schema is small and flat on purpose: a 270M-parameter model under a JSON grammar
can fill it, and a large model loses nothing. Recall is not capped by it: chunks are sized to the
text and each chunk may hold as many items as it has participant sentences (plus a margin), so a
dense hour-long interview can give a hundred forces.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, create_model

import prompts
from schemas import (
    Alternative,
    DecisionCriterion,
    DesiredOutcome,
    Extraction,
    Force,
    Item,
    LLMUsage,
    StageSpan,
    StrugglingMoment,
    Transcript,
    Turn,
    Workaround,
    item_id,
)
from schemas.extraction import ForceType, ItemKind, JobDimension, Stage
from schemas.vocabulary import KIND_FIELDS

from ..grounding import locate
from ..llm import LLMCache, Usage, complete_structured
from ..settings import Settings
from .chunking import chunk_turns, merge_items

LLM_CONFIDENCE = 0.6
MIN_QUOTE_WORDS = 3  # shorter "quotes" ("I was", "and") match anywhere and prove nothing
ITEMS_MARGIN = 8
CHUNK_MAX_CHARS = 12000  # about 3k tokens: with the prompt and a full answer, inside an 8k-token context
TOKENS_PER_ITEM = 110
_SENTENCE_END = re.compile(r"[.!?]+(\s|$)")


class LLMItem(BaseModel):
    """One coded statement as the model returns it."""

    turn: int = Field(description="N of the [turn N] line the quote is copied from")
    quote: str = Field(description="the participant's exact words, from one turn")
    kind: ItemKind
    force_type: ForceType | None = Field(description="for kind=force: push, pull, anxiety or habit; else null")
    about: Literal["old_way", "new_way"] | None = Field(default=None, description="for kind=force: old_way (push, habit) or new_way (pull, anxiety)")
    stage: Stage | None = Field(description="timeline stage of the statement, or null")
    dimension: JobDimension | None = None
    label: str | None = Field(default=None, description="alternative name, criterion, or short description")
    direction: Literal["minimize", "maximize"] | None = Field(default=None, description="desired_outcome only")
    metric: str | None = Field(default=None, description="desired_outcome only, e.g. 'the time it takes to'")
    object: str | None = Field(default=None, description="desired_outcome only, e.g. 'compile the weekly report'")
    baseline: str | None = Field(default=None, description="desired_outcome only: a number they said")


class LLMExtraction(BaseModel):
    # Required, so "{}" is not an answer. No maxLength on strings: llama.cpp turns it into nested
    # grammar rules that slow decoding to a crawl.
    items: list[LLMItem]


@lru_cache(maxsize=None)
def response_model(cap: int) -> type[LLMExtraction]:
    """LLMExtraction whose JSON schema allows at most `cap` items. Grammar-constrained servers
    (llama.cpp) then must close the list, so a small model cannot loop until max_tokens. It is
    not validated (that would cost a retry): servers that ignore it are cut to the cap."""
    return create_model("LLMExtraction", __base__=LLMExtraction,
                        items=(list[LLMItem], Field(json_schema_extra={"maxItems": cap})))


def items_cap(chunk: list[Turn]) -> int:
    """Room for one item per participant sentence, plus a margin: every statement may be one."""
    sentences = sum(len(_SENTENCE_END.findall(t.text)) or 1 for t in chunk if t.role == "participant")
    return sentences + ITEMS_MARGIN


def answer_tokens(cap: int) -> int:
    return min(8192, 256 + TOKENS_PER_ITEM * cap)


class Tally:
    """What grounding did to the model's items."""

    def __init__(self) -> None:
        self.dropped = 0
        self.repaired = 0
        self.incomplete = 0


# prompt ---------------------------------------------------------------------------------------
# Look-alikes of our delimiters and of chat-template tokens: "</transcript>", "< /TRANSCRIPT >",
# "<start_of_turn>", "<|im_start|>", and a forged "[turn 3] INTERVIEWER" line label.
_TAG_LIKE = re.compile(r"<(?=\s*[/|!]?\s*\|?\s*[A-Za-z_])")
_TURN_LABEL_LIKE = re.compile(r"\[(?=\s*turn\b)", re.IGNORECASE)


def neutralise(text: str) -> str:
    """Transcript text that cannot close its delimiter, open a chat turn or fake a turn label.
    The brackets become look-alikes (‹ ⟦); grounding still finds quotes that copy them."""
    return _TURN_LABEL_LIKE.sub("⟦", _TAG_LIKE.sub("‹", " ".join(text.split())))


def render_turn(turn: Turn) -> str:
    speaker = neutralise(turn.speaker)
    return f"[turn {turn.index}] {turn.role.upper()} ({speaker}): {neutralise(turn.text)}"


def build_messages(chunk: list[Turn], total_turns: int) -> list[dict[str, str]]:
    """Instructions only in the system message; the transcript only as delimited data."""
    user = prompts.load("extract.user").render(
        transcript="\n".join(render_turn(t) for t in chunk),
        first_turn=str(chunk[0].index),
        last_turn=str(chunk[-1].index),
        total_turns=str(total_turns),
    )
    return [{"role": "system", "content": prompts.load("extract.system").render()}, {"role": "user", "content": user}]


# grounding and conversion ---------------------------------------------------------------------
def ground_item(raw: LLMItem, transcript: Transcript, tally: Tally) -> Item | None:
    """The schemas item for `raw` with its quote located in a participant turn, or None."""
    quote = locate(transcript, raw.quote, roles=("participant",), turn_hint=raw.turn)
    if quote is None or len(quote.text.split()) < MIN_QUOTE_WORDS:
        tally.dropped += 1
        return None
    if quote.text != raw.quote.strip():
        tally.repaired += 1
    item = to_item(raw, quote)
    tally.incomplete += item is None
    return item


def to_item(raw: LLMItem, quote) -> Item | None:
    """Kind-specific fields; an item missing the fields its kind needs is not usable."""
    common = dict(id=item_id(raw.kind, quote), quote=quote, stage=raw.stage, dimension=raw.dimension,
                  extractor="llm", confidence=LLM_CONFIDENCE)
    label = (raw.label or "").strip() or quote.text
    if raw.kind == "force":
        if not raw.force_type:
            return None
        if raw.about and (raw.about == "old_way") != (raw.force_type in ("push", "habit")):
            # the model's own reading of the way contradicts its type: keep it, trust it less
            common.update(confidence=0.4, cue=f"typed {raw.force_type} but said to be about the {raw.about.replace('_', ' ')}")
        return Force(type=raw.force_type, **common)
    if raw.kind == "struggling_moment":
        return StrugglingMoment(description=label, **common)
    if raw.kind == "alternative":
        return Alternative(name=label, **common) if raw.label else None
    if raw.kind == "workaround":
        return Workaround(description=label, **common)
    if raw.kind == "decision_criterion":
        return DecisionCriterion(criterion=label, **common)
    if raw.direction and raw.metric and raw.object:
        return DesiredOutcome(direction=raw.direction, metric=raw.metric, object=raw.object, baseline=raw.baseline, **common)
    return None


def stage_spans(items: list[Item]) -> list[StageSpan]:
    """Stage spans from the stages the model put on items: consecutive items of one stage form a span."""
    spans: list[StageSpan] = []
    for item in sorted((i for i in items if i.stage), key=lambda i: (i.quote.turn, i.quote.start_char)):
        last = spans[-1] if spans else None
        if last and last.stage == item.stage:
            last.end_turn = max(last.end_turn, item.quote.turn)
            last.end = item.quote.end if item.quote.end is not None else last.end
            continue
        spans.append(StageSpan(stage=item.stage, start_turn=item.quote.turn, end_turn=item.quote.turn,
                               start=item.quote.start, end=item.quote.end, extractor="llm", cue=item.quote.text[:80]))
    return spans


def build_extraction(transcript: Transcript, items: list[Item], extractor: str, usage: LLMUsage | None) -> Extraction:
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)  # type: ignore[attr-defined]
    return Extraction(
        interview_id=transcript.interview.id,
        transcript_sha256=transcript_sha256(transcript),
        extractor=extractor,
        stages=stage_spans(items),
        llm=usage,
        **{field: by_kind.get(kind, []) for kind, field in KIND_FIELDS.items()},
    )


def transcript_sha256(transcript: Transcript) -> str:
    return transcript.interview.sha256  # as the rules extractor records it


# the stage ------------------------------------------------------------------------------------
def extract_llm(transcript: Transcript, settings: Settings, cache_dir: Path | None = None) -> Extraction:
    """LLM-only extraction: every item grounded, chunks merged without duplicates."""
    cache = LLMCache(cache_dir) if cache_dir else None
    chunks = chunk_turns(transcript.turns, settings.llm.max_turns_per_chunk, settings.llm.chunk_overlap_turns, CHUNK_MAX_CHARS)
    usage, tally, items = Usage(), Tally(), []
    for chunk in chunks:
        if not any(t.role == "participant" for t in chunk):
            continue  # nothing in it can be evidence
        cap = items_cap(chunk)
        answer, used = complete_structured(
            build_messages(chunk, len(transcript.turns)), response_model(cap), settings, cache,
            max_tokens=answer_tokens(cap), purpose=f"extract {transcript.interview.id} turns {chunk[0].index}-{chunk[-1].index}",
        )
        usage = usage + used
        items += [item for raw in answer.items[:cap] if (item := ground_item(raw, transcript, tally))]
    record = LLMUsage(model=settings.llm.model or "", prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                      calls=usage.calls, cached_calls=usage.cached_calls, dropped_quotes=tally.dropped, repaired_quotes=tally.repaired,
                      incomplete_items=tally.incomplete)
    return build_extraction(transcript, merge_items(items), "llm", record)


def llm_fingerprint(settings: Settings) -> str:
    """Model, endpoint host, prompt files, response schema and chunking: what changes the LLM's part."""
    llm = settings.llm
    host = llm.endpoint.host if llm.configured else ""
    parts = {
        "model": llm.model, "host": host, "temperature": llm.temperature,
        "chunk": [llm.max_turns_per_chunk, llm.chunk_overlap_turns, CHUNK_MAX_CHARS, ITEMS_MARGIN],
        "prompts": [prompts.load(n).text for n in ("extract.system", "extract.user")],
        "schema": LLMExtraction.model_json_schema(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]
