"""Memory of one worker's match index over the database in DATABASE_URL.

    DATABASE_URL=postgresql+psycopg://... .venv/bin/python loadtest/index_memory.py

Builds the index as a worker does (vectors from the embedding cache, nothing encoded) under
tracemalloc and prints what the index holds against the raw float32 size of one vector per
company, as one JSON object.
"""

import gc
import json
import os
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PORTAL_ENV", "development")

from portal import create_app
from portal.db import db
from portal.services import matching as bridge

MIB = 2**20


def _nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if sp.issparse(value):
        return value.data.nbytes + value.indices.nbytes + value.indptr.nbytes
    if hasattr(value, "vectors") and hasattr(value, "offsets"):
        scales = value.scales.nbytes if getattr(value, "scales", None) is not None else 0
        return value.vectors.nbytes + value.offsets.nbytes + scales
    return 0


def main() -> None:
    app = create_app()
    with app.app_context():
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        index = bridge.get_engine(app).index(db.session)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        matcher = index.matcher
        raw = len(matcher.company_ids_) * matcher.company_vectors_.vectors.shape[1] * 4
        arrays = {name: round(_nbytes(value) / MIB, 2) for name, value in vars(matcher).items()
                  if _nbytes(value) >= MIB // 4}
        print(json.dumps({
            "companies": len(matcher.company_ids_),
            "raw_float32_mib": round(raw / MIB, 2),
            "index_traced_mib": round(held / MIB, 2),
            "ratio": round(held / raw, 2),
            "largest_arrays_mib": arrays,
        }))


if __name__ == "__main__":
    main()
