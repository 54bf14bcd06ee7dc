"""Train the offline force and stage classifiers from labelled real interviews and write the
weights the package ships (pipeline/extract/weights/forces.json).

    .venv/bin/python scripts/train_forces.py                      # evalsets/real + samples, seed 0
    .venv/bin/python scripts/train_forces.py --seed 1 --out /tmp/w.json evalsets/real

Reproducible: the same labelled files and seed give the same weights (sorted inputs, fixed
seeds, rounded floats). The file records what it was trained on (folders, interviews, units,
forces, a hash of the gold files). `jtbd eval FOLDER --folds K` cross-validates the same
training by interview.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import load_labelled  # noqa: E402
from pipeline.extract.classifier import WEIGHTS_PATH  # noqa: E402
from pipeline.extract.train import featurise, train  # noqa: E402
from pipeline.workspace import write_text_atomic  # noqa: E402

DEFAULT_FOLDERS = ["evalsets/real", "samples"]


def gold_hash(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((folder / "gold").glob("*.gold.json")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=DEFAULT_FOLDERS, help="labelled folders (transcripts + gold/)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args(argv)
    folders = [ROOT / f if not Path(f).is_absolute() else Path(f) for f in args.folders]
    started = time.time()
    items = [item for folder in folders for item in load_labelled(folder)]
    data = featurise(items)
    model = train(data, seed=args.seed, meta={"folders": [str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f) for f in folders],
                                               "gold_sha256": gold_hash(folders)})
    write_text_atomic(args.out, json.dumps(model.to_json(), separators=(",", ":")) + "\n")
    meta = model.meta
    print(f"trained on {meta['interviews']} interviews, {meta['units']} units, {meta['forces']} force units "
          f"in {time.time() - started:.0f} s; thresholds {model.thresholds}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
