"""How synthesis scales: wall time and peak memory at N = 100, 250, 500, 1000, 1248 interviews.

    .venv/bin/python benchmarks/synthesis_scale.py                       # the Anthropic Interviewer corpus
    .venv/bin/python benchmarks/synthesis_scale.py --sizes 50,100 --embedding lexical
    .venv/bin/python benchmarks/synthesis_scale.py --workspace FOLDER/jtbd-results   # extractions a run made

Extractions (import + rules extractor) are cached as JSON under --cache, so a rerun only
synthesizes. Each size runs in a fresh process, so ru_maxrss is that size's own peak; the time
is split into loading, embedding (cold: a fresh embedding cache) and the rest (clustering,
scoring, writing; embeddings then warm). The growth exponent k fits time ~ N^k between sizes, and
a least-squares fit over all sizes is printed for the total and for the synthesis step alone.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# $JTBD_CORPUS, else the shared corpus beside this checkout (../shared/corpora/anthropic-interviewer)
CORPUS = Path(os.environ.get("JTBD_CORPUS") or ROOT.parent / "shared" / "corpora" / "anthropic-interviewer")


def _extract_one(args: tuple[str, str]) -> str:
    """Import + rules-extract one transcript into the cache; returns the interview id."""
    path, out = Path(args[0]), Path(args[1])
    from pipeline.extract.rules import extract_rules
    from pipeline.importers import import_transcript
    from pipeline.workspace import sha256_file, slug, write_model
    from schemas import Interview

    interview = Interview(id=slug(path.stem), source=path.name, kind="transcript", sha256=sha256_file(path), title=path.stem)
    transcript = import_transcript(path, interview)
    target = out / interview.id
    write_model(target / "transcript.json", transcript)
    write_model(target / "extraction.json", extract_rules(transcript))
    return interview.id


def prepare(corpus: Path, cache: Path, limit: int, jobs: int) -> Path:
    """Extractions for the first `limit` transcripts (sorted by name), cached per rules version."""
    from pipeline.extract.rules import RULES_VERSION

    out = cache / f"rules-{RULES_VERSION}"
    files = sorted(p for p in corpus.glob("*.md") if p.name.lower() != "readme.md")[:limit]
    todo = [p for p in files if not (out / p.stem.lower().replace("_", "-") / "extraction.json").is_file()]
    if todo:
        print(f"extracting {len(todo)} transcripts with {jobs} processes (cached in {out}) ...", flush=True)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for n, _ in enumerate(pool.map(_extract_one, [(str(p), str(out)) for p in todo], chunksize=4), 1):
                if n % 100 == 0:
                    print(f"  {n}/{len(todo)} in {time.perf_counter() - start:.0f}s", flush=True)
        print(f"extraction: {time.perf_counter() - start:.0f}s", flush=True)
    return out


# Perturbed wording for sizes beyond the corpus: copy k of an interview swaps these words for the
# k-th of their alternatives (k counted per word, so copies differ from each other), in the
# transcript and in every quote alike, so quotes stay verbatim and every copy is embedded anew.
SWAPS = {
    "really": ["truly", "genuinely", "honestly"], "very": ["quite", "super", "extremely"], "just": ["simply", "only", "merely"],
    "think": ["believe", "reckon", "feel"], "use": ["employ", "rely on", "work with"], "using": ["employing", "relying on", "working with"],
    "work": ["job", "labour", "tasks"], "time": ["hours", "moments", "while"], "things": ["stuff", "matters", "items"],
    "thing": ["matter", "item", "point"], "good": ["fine", "solid", "nice"], "great": ["excellent", "wonderful", "superb"],
    "help": ["assist", "support", "aid"], "make": ["create", "produce", "build"], "get": ["obtain", "receive", "gain"],
    "know": ["understand", "realise", "see"], "want": ["wish", "would like", "hope"], "need": ["require", "must have", "lack"],
    "people": ["folks", "persons", "humans"], "also": ["too", "as well", "besides"], "actually": ["in fact", "really", "indeed"],
    "maybe": ["perhaps", "possibly", "probably"], "hard": ["difficult", "tough", "tricky"], "easy": ["simple", "effortless", "painless"],
    "often": ["frequently", "regularly", "usually"], "sometimes": ["occasionally", "at times", "now and then"],
    "started": ["began", "commenced", "got going"], "try": ["attempt", "test", "give a go"], "idea": ["notion", "thought", "concept"],
    "problem": ["issue", "trouble", "difficulty"], "able": ["capable", "in a position", "free"], "better": ["improved", "nicer", "stronger"],
    "lot": ["ton", "great deal", "bunch"], "different": ["various", "distinct", "other"], "kind": ["sort", "type", "form"],
    "write": ["draft", "compose", "pen"], "writing": ["drafting", "composing", "authoring"], "tool": ["program", "app", "instrument"],
}
_SWAP_RE = None


def perturb(text: str, copy: int) -> str:
    import re

    global _SWAP_RE
    _SWAP_RE = _SWAP_RE or re.compile(r"\b(" + "|".join(map(re.escape, SWAPS)) + r")\b", re.I)

    def swap(m):
        word = m.group(0)
        new = SWAPS[word.lower()][(copy - 1 + len(word)) % 3]
        return new[0].upper() + new[1:] if word[0].isupper() else new
    return _SWAP_RE.sub(swap, text)


def _copy_one(args: tuple[str, str, int]) -> None:
    from pipeline.workspace import read_model, write_model
    from schemas import Extraction, Transcript

    source, target, copy = Path(args[0]), Path(args[1]), args[2]
    transcript = read_model(source / "transcript.json", Transcript)
    extraction = read_model(source / "extraction.json", Extraction)
    new_id = f"{transcript.interview.id}-v{copy}"
    transcript.interview.id = new_id
    for turn in transcript.turns:
        turn.text = perturb(turn.text, copy)
    texts = {t.index: t.text for t in transcript.turns}
    extraction.interview_id = new_id
    for item in extraction.items():
        quote = item.quote
        quote.text = perturb(quote.text, copy)
        at = texts.get(quote.turn, "").find(quote.text)
        if at >= 0:
            quote.start_char, quote.end_char = at, at + len(quote.text)
    write_model(target / "transcript.json", transcript)
    write_model(target / "extraction.json", extraction)


def scaled(folder: Path, n: int, jobs: int) -> Path:
    """A folder of n interviews: the extracted corpus, then perturbed copies of it (see SWAPS)."""
    originals = sorted(p for p in folder.iterdir() if (p / "extraction.json").is_file())
    if n <= len(originals):
        return folder
    copies = math.ceil(n / len(originals)) - 1
    out = folder.with_name(f"{folder.name}-x{copies + 1}")
    todo = []
    for p in originals:
        (out / p.name).mkdir(parents=True, exist_ok=True)
        for f in ("transcript.json", "extraction.json"):
            if not (out / p.name / f).exists():
                (out / p.name / f).symlink_to(p / f)
        todo += [(str(p), str(out / f"{p.name}-v{k}"), k) for k in range(1, copies + 1) if not (out / f"{p.name}-v{k}" / "extraction.json").is_file()]
    if todo:
        print(f"writing {len(todo)} perturbed copies into {out} ...", flush=True)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_copy_one, todo, chunksize=32))
    return out


def measure(folder: Path, n: int, embedding: str) -> dict:
    """One size in this process (called in a child): load, embed cold, synthesize warm."""
    from pipeline.embeddings import embed
    from pipeline.settings import Settings
    from pipeline.synthesize import synthesize
    from pipeline.synthesize.collect import Reviewed, collect_members
    from pipeline.workspace import read_model
    from schemas import Extraction, Transcript

    t0 = time.perf_counter()
    ids = sorted(p.name for p in folder.iterdir() if (p / "extraction.json").is_file())[:n]
    reviewed = [Reviewed(read_model(folder / i / "transcript.json", Transcript), read_model(folder / i / "extraction.json", Extraction), False)
                for i in ids]
    settings = Settings(embedding=embedding, progress=False)
    members = collect_members(reviewed)
    t1 = time.perf_counter()
    embed(["warm up the model"], settings, None)  # model loading is timed apart from embedding
    tm = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        embed([m.text for m in members], settings, Path(cache))
        t2 = time.perf_counter()
        synthesis = synthesize(reviewed, settings, cache_dir=Path(cache) if embedding != "lexical" else None)
        t3 = time.perf_counter()
    kinds: dict[str, int] = {}
    for m in members:
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    return {
        "n": len(ids), "items": len(members), "largest_kind": max(kinds.values(), default=0),
        "clusters": len(synthesis.clusters), "patterns": sum(not c.singleton for c in synthesis.clusters),
        "method": synthesis.method.get("clustering"), "embedding": synthesis.method.get("embedding"),
        "load_s": round(t1 - t0, 1), "model_s": round(tm - t1, 1), "embed_s": round(t2 - tm, 1), "synth_s": round(t3 - t2, 1),
        "total_s": round(t3 - t0, 1), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stories": [s.text for s in synthesis.job_stories[:3]],
    }


def clustering_only(sizes: list[int]) -> None:
    """Clustering alone on synthetic 384-d sentence-like vectors (200 themes + noise): shows the
    switch from exact agglomerative to leader+agglomerative above EXACT_LIMIT items of one kind."""
    import numpy as np

    from pipeline.synthesize.cluster import EXACT_LIMIT, cluster_vectors

    print(f"clustering only (exact up to {EXACT_LIMIT} items of one kind)")
    print(f"{'items':>7} {'clusters':>8} {'seconds':>8} {'peak MB':>8}")
    for n in sizes:
        code = (
            "import numpy as np, resource, time, sys; sys.path.insert(0, %r)\n"
            "from pipeline.synthesize.cluster import cluster_vectors\n"
            "rng = np.random.default_rng(0); c = rng.normal(size=(200, 384))\n"
            "x = c[rng.integers(0, 200, %d)] + rng.normal(scale=0.6, size=(%d, 384))\n"
            "x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)\n"
            "t = time.perf_counter(); labels = cluster_vectors(x, 0.55)\n"
            "print(len(set(labels.tolist())), round(time.perf_counter() - t, 1), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
        ) % (str(ROOT), n, n)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
        print(f"{n:>7} {out[0]:>8} {out[1]:>8} {out[2]:>8}" if len(out) == 3 else f"{n:>7} failed", flush=True)


def fit_exponent(ns: list[int], times: list[float]) -> float:
    """Least-squares slope of log(time) on log(N)."""
    pairs = [(math.log(n), math.log(max(t, 0.05))) for n, t in zip(ns, times)]
    mx, my = sum(x for x, _ in pairs) / len(pairs), sum(y for _, y in pairs) / len(pairs)
    return sum((x - mx) * (y - my) for x, y in pairs) / (sum((x - mx) ** 2 for x, _ in pairs) or 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus_path", nargs="?", type=Path, help="the corpus folder (default: $JTBD_CORPUS or ../shared/corpora/anthropic-interviewer)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workspace", type=Path, help="a jtbd-results folder; use its interviews/*/extraction.json instead")
    parser.add_argument("--sizes", default="100,250,500,1000,1248")
    parser.add_argument("--embedding", default="auto", choices=["auto", "minilm", "lexical", "llm"])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "jtbd-synthesis-scale")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clustering-only", metavar="SIZES", help="time clustering alone on synthetic vectors, e.g. 5000,20000,50000")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), int(args.child[1]), args.embedding)))
        return
    if args.clustering_only:
        clustering_only([int(s) for s in args.clustering_only.split(",")])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = args.workspace / "interviews" if args.workspace else prepare(args.corpus_path or args.corpus, args.cache, max(sizes), args.jobs)
    folder = scaled(folder, max(sizes), args.jobs)
    rows = []
    print(f"{'N':>6} {'items':>7} {'largest':>7} {'clusters':>8} {'patterns':>8} {'load s':>7} {'model s':>7} {'embed s':>8} {'synth s':>8} {'total s':>8} {'peak MB':>8}  k")
    for n in sizes:
        child = subprocess.run([sys.executable, __file__, "--embedding", args.embedding, "--child", str(folder), str(n)],
                               capture_output=True, text=True, cwd=ROOT)
        if child.returncode:
            print(child.stderr.strip().splitlines()[-1] if child.stderr.strip() else f"N={n} failed")
            continue
        row = json.loads(child.stdout.strip().splitlines()[-1])
        k = ""
        if rows and row["n"] > rows[-1]["n"] and rows[-1]["total_s"] > 0:
            k = f"{math.log(row['total_s'] / rows[-1]['total_s']) / math.log(row['n'] / rows[-1]['n']):.2f}"
        rows.append(row)
        print(f"{row['n']:>6} {row['items']:>7} {row['largest_kind']:>7} {row['clusters']:>8} {row['patterns']:>8} {row['load_s']:>7} {row['model_s']:>7} "
              f"{row['embed_s']:>8} {row['synth_s']:>8} {row['total_s']:>8} {row['peak_mb']:>8}  {k}", flush=True)
    if len(rows) > 1:
        for key in ("total_s", "synth_s", "embed_s"):
            print(f"fit {key}: time ~ N^{fit_exponent([r['n'] for r in rows], [r[key] for r in rows]):.2f}")
    if rows:
        print(f"embedding: {rows[-1]['embedding']}; clustering at the largest size: {rows[-1]['method']}")
        for story in rows[-1]["stories"]:
            print(f"  story: {story}")


if __name__ == "__main__":
    main()
