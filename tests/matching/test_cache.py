import numpy as np
import pytest

from matching import DiskCache, EmbeddingCache, Encoder, MemoryCache, text_hash
from matching.encoders import quantise


class CountingModel:
    """Stands in for a SentenceTransformer: a vector derived from each text, counted calls."""

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.calls = 0
        self.texts: list[str] = []

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def encode(self, texts, **kwargs):
        self.calls += 1
        self.texts.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, t in enumerate(texts):
            out[n, len(t) % self.dim] = 1.0
            out[n, (len(t) // self.dim) % self.dim] += 0.5
        return out


def expected(text: str, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[len(text) % dim] = 1.0
    v[(len(text) // dim) % dim] += 0.5
    return v / np.linalg.norm(v)


def long_text(n: int, word: str = "word") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


@pytest.mark.parametrize("make_cache", [MemoryCache, "disk"])
def test_second_encode_never_calls_the_model(make_cache, tmp_path):
    cache = DiskCache(tmp_path) if make_cache == "disk" else make_cache()
    model = CountingModel()
    enc = Encoder(cache=cache, model=model)
    texts = [long_text(400), "a short one", long_text(90, "x")]
    first = enc.encode_documents(texts)
    assert model.calls > 0
    assert enc.last_stats["encoded"] == len(first.vectors)
    calls = model.calls

    again = Encoder(cache=cache, model=model).encode_documents(texts)
    assert model.calls == calls
    np.testing.assert_allclose(again.vectors, first.vectors)
    assert first.offsets.tolist() == again.offsets.tolist()


def test_stats_count_encoded_and_reused_passages():
    model = CountingModel()
    enc = Encoder(cache=MemoryCache(), model=model)
    enc.encode_passages(["alpha", "beta"])
    assert enc.last_stats["encoded"] == 2 and enc.last_stats["reused"] == 0
    enc.encode_passages(["beta", "gamma", "gamma"])
    assert enc.last_stats["encoded"] == 1  # gamma once, though it appears twice
    assert enc.last_stats["reused"] == 1
    assert sorted(model.texts) == ["alpha", "beta", "gamma"]


def test_length_sorting_keeps_vectors_with_their_passages():
    model = CountingModel()
    enc = Encoder(model=model, batch_size=2)
    passages = ["a" * n for n in (5, 40, 1, 17, 23, 9, 64)]
    vecs = enc.encode_passages(passages)
    for p, v in zip(passages, vecs, strict=True):
        np.testing.assert_allclose(v, expected(p), rtol=1e-6)
    # sorted longest first before batching
    assert [len(t) for t in model.texts] == sorted((len(p) for p in passages), reverse=True)


def test_pooled_vectors_are_normalised():
    enc = Encoder(model=CountingModel())
    vecs = enc.encode([long_text(500), "tiny"])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    assert vecs.dtype == np.float32


def test_model_id_names_model_window_and_precision():
    assert Encoder().model_id == "all-MiniLM-L6-v2/p150o30"
    assert Encoder(device="cuda").model_id.endswith("/fp16")
    assert Encoder(window=100, overlap=20).model_id != Encoder().model_id


def test_caches_follow_the_protocol_and_separate_models(tmp_path):
    for cache in (MemoryCache(), DiskCache(tmp_path / "c")):
        assert isinstance(cache, EmbeddingCache)
        key = text_hash("p")
        cache.put_many("m1", {key: np.arange(4, dtype=np.float32)})
        assert cache.get_many("m2", [key]) == {}
        got = cache.get_many("m1", [key, text_hash("other")])
        assert list(got) == [key]
        np.testing.assert_array_equal(got[key], np.arange(4, dtype=np.float32))


def test_disk_cache_persists_across_instances(tmp_path):
    DiskCache(tmp_path).put_many("m", {"k": np.ones(3, dtype=np.float32)})
    assert DiskCache(tmp_path).get_many("m", ["k"])["k"].tolist() == [1.0, 1.0, 1.0]


def test_int8_documents_are_the_same_codes_cold_and_warm():
    texts = ["alpha beta gamma", "delta " * 200, "alpha beta gamma", "epsilon zeta"]
    exact = Encoder(model=CountingModel(), cache=MemoryCache()).encode_documents(texts)
    model = CountingModel()
    enc = Encoder(model=model, cache=MemoryCache())
    cold = enc.encode_documents(texts, dtype="int8")
    warm = enc.encode_documents(texts, dtype="int8")
    assert model.calls == 1 and enc.last_stats["encoded"] == 0  # the warm call reads the cache
    for pv in (cold, warm):
        assert pv.vectors.dtype == np.int8 and pv.scales.dtype == np.float32
        np.testing.assert_array_equal(pv.offsets, exact.offsets)
        decoded = pv.rows(0, len(pv.vectors))
        assert np.abs(decoded - exact.vectors).max() <= pv.scales.max() / 2 + 1e-7
    np.testing.assert_array_equal(cold.vectors, warm.vectors)
    np.testing.assert_array_equal(cold.vectors, quantise(exact.vectors)[0])
    with pytest.raises(ValueError, match="dtype"):
        enc.encode_documents(texts, dtype="float16")
