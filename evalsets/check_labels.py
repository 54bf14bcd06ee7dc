"""Check the gold labels of a real evaluation set against its transcripts, as `jtbd eval` reads them.

    .venv/bin/python evalsets/check_labels.py evalsets/real [more folders]

For every gold/<file>.gold.json: the schema; the transcript beside it; every force quote found
verbatim (whitespace and quote marks normalised) in exactly one participant turn, as the
importer splits the file; no two force quotes overlapping; every question inside an interviewer
turn. Prints counts per force type, story kind and question kind. Exit status 1 on any error.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import load_labelled  # noqa: E402
from pipeline.grounding import find_exact, overlap  # noqa: E402


def check_folder(folder: Path) -> tuple[list[str], Counter, Counter, Counter, int]:
    errors: list[str] = []
    forces, kinds, questions = Counter(), Counter(), Counter()
    n = 0
    for item in load_labelled(folder, errors):
        n += 1
        labels, transcript = item.labels, item.transcript
        kinds[labels.story_kind or "unset"] += 1
        if not labels.source:
            errors.append(f"{labels.interview}: no source")
        placed = []
        for force in labels.forces:
            forces[force.type] += 1
            hits = find_exact(transcript, force.quote, roles=("participant",))
            if not hits:
                errors.append(f"{labels.interview}: force quote not verbatim in a participant turn: \"{force.quote[:90]}\"")
            elif len(hits) > 1:
                errors.append(f"{labels.interview}: force quote found in {len(hits)} places, make it longer: \"{force.quote[:90]}\"")
            else:
                for other_text, other in placed:
                    if overlap(hits[0], other) > 0:
                        errors.append(f"{labels.interview}: overlapping quotes: \"{other_text[:50]}\" / \"{force.quote[:50]}\"")
                placed.append((force.quote, hits[0]))
        for q in labels.questions:
            questions[q.kind] += 1
            if not find_exact(transcript, q.quote, roles=("interviewer",)):
                errors.append(f"{labels.interview}: question not verbatim in an interviewer turn: \"{q.quote[:90]}\"")
    return errors, forces, kinds, questions, n


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [ROOT / "evalsets" / "real"]
    status = 0
    for folder in folders:
        errors, forces, kinds, questions, n = check_folder(folder)
        for line in errors:
            print(f"error: {line}")
        print(f"{folder}: {n} interviews, {sum(forces.values())} forces "
              f"({', '.join(f'{k} {v}' for k, v in sorted(forces.items()))}); "
              f"kinds: {dict(kinds)}; {sum(questions.values())} questions ({dict(questions)})")
        status |= bool(errors)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
