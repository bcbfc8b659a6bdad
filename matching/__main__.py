"""Command line: ``python -m matching {evaluate,evaluate-areas,bench} ...``."""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m matching")
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("evaluate", help="nDCG@10, Recall@10/50 and MRR of all methods")
    ev.add_argument("directory")
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.add_argument("--cache", default=None, help="embedding cache folder")
    ev.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ev.add_argument(
        "--encoder",
        default="minilm",
        choices=["minilm", "e5", "minilm+e5"],
        help="minilm+e5 also reports the e5 embedding alone (row multilingual)",
    )
    ev.add_argument(
        "--sample",
        type=int,
        default=None,
        help="rank only the judged companies and this many others (seed 0)",
    )

    ca = sub.add_parser(
        "calibrate", help="fit the readable fit on a judged dataset; writes fit_calibration.json"
    )
    ca.add_argument("directory")
    ca.add_argument("--encoder", default="minilm", choices=["minilm", "e5"],
                    help="e5: calibrate the multilingual encoder's cosines (minilm+e5)")
    ca.add_argument("--sample", type=int, default=None,
                    help="rank only the judged companies and this many others (seed 0)")
    ca.add_argument("--cache", default=None, help="embedding cache folder")
    ca.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ca.add_argument("--output", default=None, help="calibration file to update")

    ev.add_argument(
        "--multilingual-passages",
        default="all",
        help="passages of each text the multilingual encoder reads: a number, or 'all'",
    )

    bg = sub.add_parser("blend-grid",
                        help="nDCG@10 for every blend of one language pairing, with folds")
    bg.add_argument("directory")
    bg.add_argument("--pairing", default="nb-en", help="language pairing (default nb-en)")
    bg.add_argument("--encoder", default="minilm+e5", choices=["minilm", "e5", "minilm+e5"])
    bg.add_argument("--sample", type=int, default=None,
                    help="rank only the judged companies and this many others (seed 0)")
    bg.add_argument("--cache", default=None, help="embedding cache folder")
    bg.add_argument("--json", action="store_true", help="print JSON")

    ea = sub.add_parser("evaluate-areas", help="F1 of area inference (zero-shot, supervised)")
    ea.add_argument("directory")
    ea.add_argument("--json", action="store_true", help="print JSON")
    ea.add_argument("--cache", default=None, help="embedding cache folder")
    ea.add_argument("--device", default="cpu", choices=["cpu", "cuda"])

    be = sub.add_parser("bench", help="encoding, re-indexing, ranking and memory benchmarks")
    be.add_argument("--json", action="store_true", help="print JSON")
    be.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    be.add_argument("--sizes", default="1000,10000,100000", help="company counts to rank")
    be.add_argument("--encode-docs", type=int, default=400, help="documents in the encode sample")
    be.add_argument(
        "--encoder-passages",
        type=int,
        default=48,
        help="passages timed per encoder in the MiniLM/e5 cost comparison (0 skips it)",
    )
    be.add_argument(
        "--encoders-only", action="store_true", help="only the MiniLM/e5 cost comparison"
    )

    args = parser.parse_args(argv)
    if args.command == "calibrate":
        return _calibrate(args, argv)
    if args.command == "blend-grid":
        from matching.cache import DiskCache
        from matching.evaluate import blend_grid, default_cache_dir, format_grid
        from matching.factory import make_encoder

        encoder = make_encoder(args.encoder, cache=DiskCache(args.cache or default_cache_dir()))
        grid = blend_grid(args.directory, encoder, args.pairing, sample=args.sample)
        print(json.dumps(grid, indent=2) if args.json else format_grid(grid))
        return 0
    if args.command in ("evaluate", "evaluate-areas"):
        from matching.cache import DiskCache
        from matching.evaluate import default_cache_dir, evaluate, evaluate_areas, format_table
        from matching.factory import make_encoder

        encoder = make_encoder(
            getattr(args, "encoder", "minilm"),
            device=args.device,
            cache=DiskCache(args.cache or default_cache_dir()),
        )
        if args.command == "evaluate":
            passages = args.multilingual_passages
            result = evaluate(args.directory, encoder=encoder, sample=args.sample,
                              multilingual_passages=None if passages == "all" else int(passages))
            print(json.dumps(result, indent=2) if args.json else format_table(result))
        else:
            result = evaluate_areas(args.directory, encoder=encoder)
            if args.json:
                print(json.dumps(result, indent=2))
            else:
                print(f"topics: {result['topics']}  areas: {result['areas']}")
                for k in ("zero_shot", "supervised"):
                    r = result[k]
                    print(f"{k:<11} micro-F1 {r['micro_f1']:.3f}  macro-F1 {r['macro_f1']:.3f}")
        return 0
    from matching.bench import bench_encoders, format_bench, format_encoders, run_bench

    if args.encoders_only:
        result = bench_encoders(args.encoder_passages or 48)
        print(json.dumps(result, indent=2) if args.json else format_encoders(result))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    result = run_bench(
        device=args.device,
        sizes=sizes,
        encode_docs=args.encode_docs,
        encoder_passages=args.encoder_passages,
    )
    print(json.dumps(result, indent=2) if args.json else format_bench(result))
    return 0


def _calibrate(args: argparse.Namespace, argv: list[str] | None) -> int:
    from pathlib import Path

    from matching.cache import DiskCache
    from matching.calibration import CALIBRATION_FILE
    from matching.evaluate import calibrate, default_cache_dir
    from matching.factory import make_encoder

    multilingual = args.encoder == "e5"
    encoder = make_encoder("minilm+e5" if multilingual else "minilm", device=args.device,
                           cache=DiskCache(args.cache or default_cache_dir()))
    command = "python -m matching " + " ".join(sys.argv[1:] if argv is None else argv)
    calibration = calibrate(args.directory, encoder, args.encoder, multilingual=multilingual,
                            sample=args.sample, fitted_on=command)
    path = Path(args.output) if args.output else CALIBRATION_FILE
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    known[args.encoder] = calibration.to_json()
    path.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(calibration.to_json(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
