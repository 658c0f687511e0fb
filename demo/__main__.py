"""``python -m demo`` (``make demo``): the quick start's main job on the bundled demo.

The demo is not part of the product (the wheel leaves it out): it lives
beside the package and drives it through the same calls a user makes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from demo.run import run_demo
from demo.stack import SERVICES
from generator.cli import guard

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Start the demo stack and a real Prometheus (free ports), build the site and check scripts, "
                    "run the local checks and stamp the pages, run the aws view against moto_server, stop.")
    parser.add_argument("--root", default=".", help="the project to demo (default: .)")
    parser.add_argument("--fail", default=os.environ.get("DEMO_FAIL", ""), metavar="IDS",
                        help=f"demo services to break, comma-separated: {', '.join(SERVICES)}")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    return run_demo(Path(args.root).resolve(), [s for s in args.fail.split(",") if s])


def main(argv: Sequence[str] | None = None) -> int:
    return guard("demo", _main, argv)


if __name__ == "__main__":
    sys.exit(main())
