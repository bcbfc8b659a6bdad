import json

import pytest

from matching.evaluate import METHODS, evaluate, load_dataset
from matching.testing import HashingEncoder

CHALLENGES = [
    {
        "id": "c1",
        "title": "Sonar",
        "description": "hydrophone sonar arrays for submarines",
        "keywords": ["acoustics"],
    },
    {"id": "c2", "title": "Food", "description": "field kitchens and rations"},
    {"id": "c3", "title": "Armour", "description": "ceramic armour plates"},
]
COMPANIES = [
    {"id": "a", "name": "A", "description": "sonar hydrophone arrays, acoustics, submarines"},
    {"id": "b", "name": "B", "description": "catering, rations and field kitchens"},
    {"id": "c", "name": "C", "description": "ceramic armour plates for vehicles"},
    {"id": "d", "name": "D", "description": "payroll software"},
]
QRELS = [
    {"challenge_id": "c1", "company_id": "a", "relevance": 1},
    {"challenge_id": "c2", "company_id": "b", "relevance": 1},
]


@pytest.fixture
def dataset(tmp_path):
    import gzip

    (tmp_path / "challenges.jsonl").write_text("\n".join(map(json.dumps, CHALLENGES)))
    with gzip.open(tmp_path / "companies.jsonl.gz", "wt") as f:
        f.write("\n".join(map(json.dumps, COMPANIES)))
    (tmp_path / "qrels.jsonl").write_text("\n".join(map(json.dumps, QRELS)))
    return tmp_path


def test_load_dataset_uses_portal_fields(dataset):
    challenges, companies, qrels = load_dataset(dataset)
    assert challenges[0].text.endswith("Keywords: acoustics")
    assert companies[0].title == "A"
    assert qrels == {"c1": {"a": 1.0}, "c2": {"b": 1.0}}


def test_evaluate_reports_all_methods_on_judged_queries(dataset):
    result = evaluate(dataset, encoder=HashingEncoder())
    assert result["queries"] == 2
    # the multilingual row needs an encoder with a multilingual companion
    assert list(result["methods"]) == [m for m in METHODS if m != "multilingual"]
    for scores in result["methods"].values():
        assert set(scores) == {"ndcg@10", "recall@10", "recall@50", "mrr"}
        # the relevant company is the only one sharing words with each judged challenge
        assert scores["mrr"] == pytest.approx(1.0)


def test_evaluate_reports_the_multilingual_encoder_alone_when_there_is_one(dataset):
    enc = HashingEncoder()
    enc.multilingual = HashingEncoder(dim=32)
    result = evaluate(dataset, encoder=enc)
    assert list(result["methods"]) == list(METHODS)
    assert result["methods"]["multilingual"]["mrr"] == pytest.approx(1.0)


def test_companies_file_may_point_to_another_sets_file(dataset, tmp_path_factory):
    other = tmp_path_factory.mktemp("excerpts")
    (other / "challenges.jsonl").write_text("\n".join(map(json.dumps, CHALLENGES)))
    (other / "qrels.jsonl").write_text("\n".join(map(json.dumps, QRELS)))
    (other / "companies.jsonl.gz").write_text(f"{dataset}/companies.jsonl.gz")
    _, companies, _ = load_dataset(other)
    assert [c.id for c in companies] == ["a", "b", "c", "d"]


def test_sample_keeps_every_judged_company(dataset):
    result = evaluate(dataset, encoder=HashingEncoder(), sample=1)
    assert result["companies"] == 3  # a and b are judged, plus one other
    assert result["methods"]["bm25"]["mrr"] == pytest.approx(1.0)


def test_evaluate_passes_how_many_passages_the_multilingual_encoder_reads(dataset, monkeypatch):
    enc = HashingEncoder()
    enc.multilingual = HashingEncoder(dim=32)
    read: list[int | None] = []
    original = enc.multilingual.encode_documents

    def spy(texts, *args, max_passages=None, **kwargs):
        read.append(max_passages)
        return original(texts, *args, max_passages=max_passages, **kwargs)

    monkeypatch.setattr(enc.multilingual, "encode_documents", spy)
    evaluate(dataset, encoder=enc, multilingual_passages=2)
    assert read and set(read) == {2}
    read.clear()
    evaluate(dataset, encoder=enc)
    assert read and set(read) == {None}  # the matcher's default: whole texts


def test_blend_grid_scores_every_setting_and_keeps_the_shipped_blend(dataset):
    from matching.evaluate import blend_grid, format_grid, topic_fold

    encoder = HashingEncoder()
    result = blend_grid(dataset, encoder, "en-en", shares=(0.0, 1.0), factors=(0.0, 1.0))
    assert [(r["multilingual"], r["lexical"]) for r in result["grid"]] == [
        (0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert result["shipped"] == {"multilingual": 0.0, "lexical": 1.0}
    shipped = next(r for r in result["grid"] if (r["multilingual"], r["lexical"]) == (0.0, 1.0))
    # The shipped setting scores what evaluate's matcher scores.
    matcher = evaluate(dataset, encoder=encoder, methods=("matcher",))["methods"]["matcher"]
    assert shipped["all"] == pytest.approx(matcher["ndcg@10"])
    assert {topic_fold(q) for q in ("a", "b", "c", "d", "e", "f")} == {"A", "B"}
    assert "shipped 0.0 / 1.0" in format_grid(result)
    with pytest.raises(ValueError, match="pairing"):
        blend_grid(dataset, encoder, "xx-yy")
