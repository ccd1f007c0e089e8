"""``python -m helpers.synthetic [--check]``: (re)write data/synthetic/ from the seeded generator."""

from __future__ import annotations

from helpers import paths
from helpers.synthetic.files import write_csvs
from helpers.synthetic.generator import generate
from helpers.synthetic.spec import SyntheticSpec


def main(argv=None) -> int:
    """``python -m helpers.synthetic [--check]``: (re)write data/synthetic/ or check it is up to date."""
    import argparse
    import filecmp
    import tempfile

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--check", action="store_true", help="only check the committed files are what the generator writes")
    args = ap.parse_args(argv)
    patients, doses = generate(SyntheticSpec())
    if not args.check:
        write_csvs(patients, doses, paths.SYNTHETIC_DATA)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        write_csvs(patients, doses, tmp)
        stale = [
            n
            for n in ("patients.csv", "doses.csv")
            if not filecmp.cmp(f"{tmp}/{n}", paths.SYNTHETIC_DATA / n, shallow=False)
        ]
    if stale:
        print(
            f"data/synthetic/: {', '.join(stale)} differ from the generator's output; run python -m helpers.synthetic"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
