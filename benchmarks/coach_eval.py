"""The coach's question checks measured on real interviews: precision, recall and F1 per flag
(leading, hypothetical, closed, either_or) and for scripted-question detection, against the
interviewer questions the team labelled in evalsets/*/gold (`questions`).

    .venv/bin/python benchmarks/coach_eval.py [--holdout] [--errors] [--planted]

The rules were tuned on evalsets/real only; the two halves of it (alternate interviews by name)
show how much of the tuning carries to interviews it did not see. evalsets/holdout is never
used for tuning: --holdout adds it as one more column, to be read once.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import load_labelled  # noqa: E402
from tests.coach_scoring import halves, render, score_planted, score_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also score evalsets/holdout (read it once)")
    parser.add_argument("--errors", action="store_true", help="list every disagreement on evalsets/real")
    parser.add_argument("--planted", action="store_true", help="also score the planted flags of samples/")
    args = parser.parse_args()
    dev = load_labelled(ROOT / "evalsets" / "real")
    first, second = halves(dev)
    scores = {"real (48)": score_questions(dev), "real half A": score_questions(first), "real half B": score_questions(second)}
    if args.holdout:
        scores["holdout"] = score_questions(load_labelled(ROOT / "evalsets" / "holdout"))
    print(render(scores))
    if args.errors:
        print("\n".join(scores["real (48)"].errors))
    if args.planted:
        planted = score_planted(ROOT / "samples")
        print("samples, planted:", {k: f"{planted.recall(k):.2f} of {n}" for k, n in planted.planted.items()},
              f"wrong flags on good interviews: {planted.good_wrong} of {planted.good_questions} questions")


if __name__ == "__main__":
    main()
