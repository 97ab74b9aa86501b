"""The search's sentence encoder: all-MiniLM-L6-v2 run with numpy, from the pinned package's weights."""

import json
import math
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest

from hinportal.lib.search.encoder import (
    MAX_TOKENS,
    Encoder,
    ModelUnavailable,
    Pool,
    keep_freed_memory,
    packaged_model_directory,
)

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(packaged_model_directory())


def test_it_matches_the_reference_model(encoder):
    """Vectors made once by sentence-transformers with PyTorch (see the file's `about`)."""
    reference = json.loads(REFERENCE.read_text())
    ours = encoder.encode(reference["texts"])
    theirs = np.array(reference["vectors"], dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() > 0.99999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)  # unit vectors: a dot product is the cosine


def test_a_text_too_long_is_cut_not_refused(encoder):
    long_text = "asthma " * (MAX_TOKENS * 3)
    started = time.perf_counter()
    vector = encoder.encode([long_text, ""])
    assert vector.shape == (2, 384) and np.isfinite(vector).all()
    assert time.perf_counter() - started < 30  # cut to the model's window, so bounded


def test_a_text_gets_the_same_vector_whatever_it_is_encoded_beside(encoder):
    """Texts are batched by their number of word pieces and each batch padded to its longest: a
    text's vector must not depend on the padding or on its neighbours."""
    texts = ["Asthma", "Remote monitoring of blood pressure at home for people with hypertension"]
    texts += [f"{'Virtual ward ' * n}for frail older people" for n in (1, 5, 9, 30)]
    together = encoder.encode([*texts, "Asthma inhaler technique"], batch_size=3)
    for n, text in enumerate(texts):
        assert np.allclose(together[n], encoder.encode([text])[0], atol=1e-6)


def test_a_text_is_read_to_the_models_window_not_the_tokenizer_files(encoder):
    """The tokenizer's file pads and cuts every text to 128 word pieces; the model reads 256 (as
    sentence-transformers does), so what comes after the 128th piece changes the vector."""
    start = "Falls prevention " * 70  # about 140 word pieces
    one, other = encoder.encode([start + "in care homes", start + "for children with epilepsy"])
    assert not np.allclose(one, other, atol=1e-3)


def test_gelu_is_the_exact_one(encoder):
    from hinportal.lib.search.encoder import _gelu

    h = np.linspace(-12, 12, 20001, dtype=np.float32)
    exact = np.array([x * (1 + math.erf(x / math.sqrt(2))) / 2 for x in h.astype(np.float64)])
    assert np.abs(_gelu(h.copy()) - exact).max() < 2e-6


def test_a_missing_or_altered_weights_file_is_refused(tmp_path):
    with pytest.raises(ModelUnavailable):
        Encoder(tmp_path)
    source = packaged_model_directory()
    for path in (p for p in source.iterdir() if p.is_file()):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    weights = next(tmp_path.glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable):
        Encoder(tmp_path)


def test_a_pool_of_processes_gives_the_same_vectors_in_the_same_order(encoder):
    texts = [f"Text number {n}: {'asthma ' * (n % 7)}care" for n in range(40)]
    with Pool(encoder, processes=2, from_texts=1) as pool:
        pooled = pool.encode(texts)
    assert pooled.shape == (40, 384)
    assert np.allclose(pooled, encoder.encode(texts), atol=1e-5)


def _page_faults_reusing_activations(keep: bool) -> int:
    """In a fresh process: the pages faulted in while blocks the size of a batch's activations are
    allocated, written and freed again and again, as the encoder's layers do (3 MB each, under the
    size from which numpy asks the kernel for huge pages)."""
    if keep:
        keep_freed_memory()
    block = 3 << 20
    blocks = [np.ones(block, dtype=np.uint8) for _ in range(4)]
    del blocks
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        blocks = [np.ones(block, dtype=np.uint8) for _ in range(4)]
        del blocks
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_an_encoding_process_reuses_the_memory_it_frees():
    """glibc gives large freed blocks back to the kernel, so each layer's activations came back as
    new pages; a pool's workers keep them (measured: `manage.py embed --all`, README)."""
    pages = (12 << 20) * 3 // resource.getpagesize()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as fresh:
        as_glibc_does = fresh.submit(_page_faults_reusing_activations, False).result()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as fresh:
        kept = fresh.submit(_page_faults_reusing_activations, True).result()
    assert as_glibc_does > pages // 3  # what the setting is for
    assert kept < pages // 50
