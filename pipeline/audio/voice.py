"""resemblyzer's speaker encoder in plain numpy: its 3-layer LSTM and linear layer, without torch.

The weights are read straight from the `pretrained.pt` that ships in the resemblyzer wheel; the
file is a torch checkpoint, but one made of pickles and raw float32 storages, so a restricted
unpickler that only knows tensors and dicts reads it (nothing in it is executed). Importing torch
cost about 1.4 CPU s per process, more than the encoder's own work on a short interview.

Same numbers as `VoiceEncoder.forward` over a packed batch (tests/test_voice_encoder.py compares
the two on real speech): for each mel window the final hidden state of the last LSTM layer, after
the window's own number of frames, through linear + ReLU, L2-normed.
"""
from __future__ import annotations

import collections
import io
import pickle
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HIDDEN = 256
LAYERS = 3
EMBEDDING = 256
MIN_WINDOWS_PER_THREAD = 16  # fewer windows than this are not worth a thread
TIME_CHUNK = 16  # frames whose input projection is computed in one matrix product (bounds memory)
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch's pre-1.6 (non-zip) serialisation


# --- reading the checkpoint without torch -----------------------------------------------

@dataclass
class _TensorRef:
    storage: tuple  # persistent id: ('storage', storage type, key, location, numel, ...)
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


class _StorageType:
    def __init__(self, name: str):
        self.name = name


def _rebuild_tensor(storage, offset, size, stride, *_):
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _CheckpointUnpickler(pickle.Unpickler):
    """Knows tensors (as references to storages), float storages and ordered dicts; refuses anything else."""

    def find_class(self, module: str, name: str):
        if (module, name) in {("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor")}:
            return _rebuild_tensor
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the voice encoder checkpoint")

    def persistent_load(self, pid):
        return tuple(pid)


def read_checkpoint(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of the checkpoint's `model_state`, by name."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    with open(path, "rb") as file:
        if pickle.load(file) != LEGACY_MAGIC:
            raise ValueError(f"{path} is not a torch checkpoint")
        pickle.load(file)  # protocol version
        pickle.load(file)  # sys info (endianness, type sizes)
        state = _CheckpointUnpickler(file).load()["model_state"]
        wanted = {ref.storage[2] for ref in state.values() if isinstance(ref, _TensorRef)}
        storages: dict[str, np.ndarray] = {}
        for key in pickle.load(file):  # storages follow in this order: int64 element count, then the data
            count = int(np.frombuffer(file.read(8), "<i8")[0])
            if key in wanted:
                storages[key] = np.frombuffer(file.read(4 * count), "<f4")
            else:
                file.seek(4 * count, io.SEEK_CUR)  # e.g. the optimiser's state
    return {name: _view(storages[ref.storage[2]], ref) for name, ref in state.items() if isinstance(ref, _TensorRef)}


def _read_zip(path: Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(path) as archive:
        pickled = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        root = pickled[: -len("data.pkl")]
        state = _CheckpointUnpickler(io.BytesIO(archive.read(pickled))).load()["model_state"]
        return {name: _view(np.frombuffer(archive.read(f"{root}data/{ref.storage[2]}"), "<f4"), ref)
                for name, ref in state.items() if isinstance(ref, _TensorRef)}


def _view(storage: np.ndarray, ref: _TensorRef) -> np.ndarray:
    if not ref.storage[1].name == "FloatStorage":
        raise ValueError(f"voice encoder weights are {ref.storage[1].name}, expected FloatStorage")
    strides = tuple(4 * s for s in ref.stride)
    return np.lib.stride_tricks.as_strided(storage[ref.offset:], ref.size, strides).astype(np.float32)  # a copy


# --- the network ---------------------------------------------------------------------------

class VoiceEncoder:
    """`embed(windows)`: one L2-normed 256-d embedding per (frames, 40) mel window, any lengths."""

    def __init__(self, weights: dict[str, np.ndarray]):
        self.layers = []
        for n in range(LAYERS):
            w_ih, w_hh = weights[f"lstm.weight_ih_l{n}"], weights[f"lstm.weight_hh_l{n}"]
            bias = weights[f"lstm.bias_ih_l{n}"] + weights[f"lstm.bias_hh_l{n}"]
            # torch orders the gates i, f, g, o; put the three sigmoid gates first (i, f, o, g) and halve
            # them, so one tanh serves all four: sigmoid(x) = (tanh(x / 2) + 1) / 2.
            order = np.r_[0:2 * HIDDEN, 3 * HIDDEN:4 * HIDDEN, 2 * HIDDEN:3 * HIDDEN]
            scale = np.r_[np.full(3 * HIDDEN, 0.5), np.ones(HIDDEN)].astype(np.float32)
            self.layers.append((np.ascontiguousarray((w_ih[order] * scale[:, None]).T),
                                np.ascontiguousarray((w_hh[order] * scale[:, None]).T),
                                (bias[order] * scale).astype(np.float32)))
        self.linear_w = np.ascontiguousarray(weights["linear.weight"].T)
        self.linear_b = weights["linear.bias"]

    def embed(self, windows: list[np.ndarray], threads: int = 1, batch: int = 256) -> np.ndarray:
        """Embeddings in the order of `windows`. The windows are shared out over `threads` threads
        (numpy releases the GIL in its matrix products), each running single-threaded BLAS: OpenBLAS's
        own threads spin, which on a busy machine made the same work twice as slow."""
        out = np.zeros((len(windows), EMBEDDING), np.float32)
        if not windows:
            return out
        by_length = sorted(range(len(windows)), key=lambda i: -len(windows[i]))  # stable: ties keep their order
        threads = max(1, min(threads, len(windows) // MIN_WINDOWS_PER_THREAD))
        shares = [by_length[k::threads] for k in range(threads)]  # round robin: about the same frames each

        def run(share: list[int]) -> None:
            for a in range(0, len(share), batch):
                part = share[a:a + batch]
                out[part] = self._embed_sorted([windows[i] for i in part])

        with single_threaded_blas():
            if threads == 1:
                run(shares[0])
            else:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(run, shares))
        return out

    def _embed_sorted(self, windows: list[np.ndarray]) -> np.ndarray:
        """Windows sorted longest first, so those still running at any frame are a prefix."""
        lengths = np.array([len(w) for w in windows])
        frames = np.zeros((lengths[0], len(windows), windows[0].shape[1]), np.float32)  # time-major
        for column, window in enumerate(windows):
            frames[: len(window), column] = window
        running = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(axis=1)  # windows still going at each frame
        raw = np.maximum(self._lstm(frames, running) @ self.linear_w + self.linear_b, 0.0)
        return raw / np.linalg.norm(raw, axis=1, keepdims=True)  # as VoiceEncoder.forward

    def _lstm(self, inputs: np.ndarray, running: np.ndarray) -> np.ndarray:
        """Final hidden state of the last layer for each window (time-major inputs, windows sorted by length)."""
        steps, batch = inputs.shape[:2]
        h = c = None
        for n, (w_ih, w_hh, bias) in enumerate(self.layers):
            last = n == LAYERS - 1
            outputs = None if last else np.zeros((steps, batch, HIDDEN), np.float32)
            h = np.zeros((batch, HIDDEN), np.float32)
            c = np.zeros((batch, HIDDEN), np.float32)
            gates = np.empty((batch, 4 * HIDDEN), np.float32)
            tanh_c = np.empty((batch, HIDDEN), np.float32)
            for t0 in range(0, steps, TIME_CHUNK):
                # The input's share of the gates for a run of frames at once: one large matrix product.
                chunk = inputs[t0:t0 + TIME_CHUNK]
                projected = (chunk.reshape(-1, chunk.shape[2]) @ w_ih).reshape(len(chunk), batch, 4 * HIDDEN)
                projected += bias
                for t in range(t0, t0 + len(chunk)):
                    m = int(running[t])
                    g = gates[:m]
                    np.matmul(h[:m], w_hh, out=g)
                    g += projected[t - t0, :m]
                    np.tanh(g, out=g)
                    sig = g[:, : 3 * HIDDEN]
                    sig *= 0.5
                    sig += 0.5
                    i, f, o, cell = g[:, :HIDDEN], g[:, HIDDEN:2 * HIDDEN], g[:, 2 * HIDDEN:3 * HIDDEN], g[:, 3 * HIDDEN:]
                    cm, tc = c[:m], tanh_c[:m]
                    cm *= f
                    cell *= i
                    cm += cell
                    np.tanh(cm, out=tc)
                    np.multiply(o, tc, out=h[:m])
                    if outputs is not None:
                        outputs[t, :m] = h[:m]
            inputs = outputs
        return h


def single_threaded_blas():
    """BLAS on one thread within: OpenBLAS's idle threads spin, which on two busy cores cost up to
    four times the CPU of the small matrix products here (mel windows, LSTM steps)."""
    try:
        from threadpoolctl import threadpool_limits  # comes with scikit-learn
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def load(path: Path) -> VoiceEncoder:
    return VoiceEncoder(read_checkpoint(path))
