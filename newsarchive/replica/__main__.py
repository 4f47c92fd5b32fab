"""Serve a replica from the command line: ``python -m newsarchive.replica [--synthetic N] [--port P]``."""
from __future__ import annotations

import argparse
import threading

from . import maliweb_site, serve, synthetic_site


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newsarchive.replica", description=__doc__)
    parser.add_argument("--state", choices=("day1", "day2"), default="day1", help="maliweb replica state")
    parser.add_argument("--synthetic", type=int, metavar="N", help="serve a synthetic site of N articles instead")
    parser.add_argument("--seed", type=int, default=0, help="synthetic site seed")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    site = synthetic_site(args.synthetic, args.seed) if args.synthetic else maliweb_site(args.state)
    served = serve(site, args.host, args.port)
    print(served.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        served.close()


if __name__ == "__main__":
    main()
