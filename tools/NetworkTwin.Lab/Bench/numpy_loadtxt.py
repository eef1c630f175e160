#!/usr/bin/env python3
"""Reference parse rate for `networktwin-lab bench fronthaul`: numpy's loadtxt on the same .dat files.

Reads every file given with numpy.loadtxt (the header line skipped, as the files open with one),
`runs` times after one warm-up pass, and prints one JSON line: the time of each pass, the rows and
the column sums of the last pass, so the C# side can check that both read the same numbers before
comparing speed.
"""
import json
import sys
import time

import numpy as np


def main():
    runs = int(sys.argv[1])
    files = sys.argv[2:]
    seconds = []
    rows = 0
    sums = [0.0, 0.0, 0.0, 0.0]
    for attempt in range(runs + 1):
        started = time.perf_counter()
        tables = [np.loadtxt(path, skiprows=1, ndmin=2) for path in files]
        elapsed = time.perf_counter() - started
        if attempt > 0:
            seconds.append(elapsed)
        rows = sum(t.shape[0] for t in tables)
        sums = [float(sum(t[:, c].sum() for t in tables)) for c in range(4)]
    print(json.dumps({"numpy": np.__version__, "seconds": seconds, "rows": rows, "sums": sums}))


if __name__ == "__main__":
    main()
