"""Print the coach's recall of planted leading/hypothetical questions and its false flags on good interviews.

    .venv/bin/python benchmarks/coach_eval.py [samples]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.coach.evaluate import evaluate_coach, render  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

if __name__ == "__main__":
    print(render(evaluate_coach(Path(sys.argv[1] if len(sys.argv) > 1 else "samples"), Settings())))
