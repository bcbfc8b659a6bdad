import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MODULES = [
    "matching",
    "matching.matcher",
    "matching.encoders",
    "matching.cache",
    "matching.lexical",
    "matching.taxonomy",
    "matching.scoring",
    "matching.explain",
    "matching.evaluate",
    "matching.bench",
    "matching.testing",
    "matching.metrics",
    "matching.__main__",
]


def test_matching_imports_no_web_stack_and_no_model():
    code = (
        f"import sys, {', '.join(MODULES)}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'portal', 'torch', 'sentence_transformers'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_no_source_file_mentions_the_web_stack():
    for path in (ROOT / "matching").rglob("*.py"):
        text = path.read_text()
        for name in ("flask", "sqlalchemy", "from portal", "import portal"):
            assert name not in text.lower(), f"{path} mentions {name}"
