#!/usr/bin/env python3
"""neops_cycles.py: sequential Neops session cycles with the Python `requests` client.

One cycle = POST /session, GET /session/{id}, DELETE /session/{id} on one keep-alive
requests.Session, as a Neops client does (docs/benchmarks.md, "Neops facade"). Prints one line
per block of cycles: cycles/s and p50/p99 per cycle. Finished sessions stay in the server (their
ttlSecondsAfterFinished), so later blocks run against a longer history.

    bench/neops_cycles.py --url http://127.0.0.1:7450 --cycles 10000 --block 1000

Works against labd's facade and against a Neops Remote Lab server alike.
"""
import argparse
import statistics
import sys
import time

import requests


def cycle(s, url):
    r = s.post(url + "/session")
    if r.status_code != 201:
        sys.exit(f"POST /session: {r.status_code} {r.text}")
    sid = r.json()["session_id"]
    r = s.get(f"{url}/session/{sid}")
    if r.status_code != 200:
        sys.exit(f"GET /session: {r.status_code} {r.text}")
    r = s.delete(f"{url}/session/{sid}")
    if r.status_code != 204:
        sys.exit(f"DELETE /session: {r.status_code} {r.text}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--block", type=int, default=1000)
    p.add_argument("--token", default="", help="bearer token (labd --tokens)")
    args = p.parse_args()
    s = requests.Session()
    if args.token:
        s.headers["Authorization"] = "Bearer " + args.token
    done = 0
    print(f"{'cycles':>13} {'cycles/s':>9} {'p50 ms':>8} {'p99 ms':>8}", flush=True)
    while done < args.cycles:
        n = min(args.block, args.cycles - done)
        times = []
        start = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            cycle(s, args.url)
            times.append((time.perf_counter() - t0) * 1000)
        secs = time.perf_counter() - start
        times.sort()
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"{done:>6}-{done + n:<6} {n / secs:>9.0f} {statistics.median(times):>8.2f} "
              f"{p99:>8.2f}", flush=True)
        done += n


if __name__ == "__main__":
    main()
