"""Build the bundled gazetteer extract(s) from the official Geolonia files.

    python scripts/build_gazetteer.py --code 112011

writes ``geocoding/data/112011.csv`` from ``../shared/gazetteer``. A rebuild from the same source is
byte-identical, which the tests check.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from geocoding.gazetteer import GazetteerError, extract_towns, write_extract  # noqa: E402


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; relative defaults resolve against the repository root, not the cwd."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared" / "gazetteer",
        help="folder with geolonia-japanese-addresses/ and japanese-addresses-chiban/ "
        "(default: ../shared/gazetteer next to the repository)",
    )
    parser.add_argument(
        "--code",
        action="append",
        dest="codes",
        metavar="CODE",
        help="6-digit 全国地方公共団体コード; repeat for several municipalities (default: 112011)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "geocoding" / "data",
        help="output folder (default: geocoding/data)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``<out>/<code>.csv`` per code; exit 1 with the reason when a code cannot be built."""
    args = parse_args(argv)
    for code in args.codes or ["112011"]:
        try:
            rows = extract_towns(args.shared, code)
        except GazetteerError as error:
            print(f"build_gazetteer: {error}", file=sys.stderr)
            return 1
        path = write_extract(rows, args.out / f"{code}.csv")
        print(f"{path}: {len(rows)} towns of {rows[0]['prefecture']}{rows[0]['city']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
