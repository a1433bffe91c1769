#!/usr/bin/python3
"""neops_cycles.py: sequential Neops session cycles with the Python `requests` client.

One cycle = POST /session, GET /session/{id}, DELETE /session/{id} on one keep-alive
requests.Session, as a Neops client does (docs/benchmarks.md, "Neops facade"). Prints one line
per block of cycles: cycles/s and p50/p99 per cycle. Finished sessions stay in the server (their
ttlSecondsAfterFinished), so later blocks run against a longer history.

Against a running server (labd's facade or a Neops Remote Lab server alike):
    bench/neops_cycles.py --url http://127.0.0.1:7450 --cycles 10000 --block 1000
Or against labd binaries it starts itself, one after the other on fresh temp data dirs (no
Docker, no lab controller, --slots 1):
    bench/neops_cycles.py --labd /tmp/main-labd --labd build/controller/labd/labd --cycles 10000
--standin first runs the same cycles against bench/neops_standin.py (the Neops session calls in
memory on FastAPI and uvicorn, access log on as Neops ships; needs Debian's python3-fastapi and
python3-uvicorn), --standin-quiet against it with the access log off: an anchor measured on this
machine in the same run. Each line also gives the client's own CPU per cycle (the `requests`
client is often the bottleneck).

Uses Debian's python3-requests (/usr/bin/python3).
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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


def run(url, args, label):
    s = requests.Session()
    if args.token:
        s.headers["Authorization"] = "Bearer " + args.token
    done = 0
    print(f"{'server':<28} {'cycles':>13} {'cycles/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'client CPU ms/cycle':>20}", flush=True)
    while done < args.cycles:
        n = min(args.block, args.cycles - done)
        times = []
        cpu = time.process_time()
        start = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            cycle(s, url)
            times.append((time.perf_counter() - t0) * 1000)
        secs = time.perf_counter() - start
        cpu_ms = (time.process_time() - cpu) * 1000 / n
        times.sort()
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"{label:<28} {done:>6}-{done + n:<6} {n / secs:>9.0f} "
              f"{statistics.median(times):>8.2f} {p99:>8.2f} {cpu_ms:>20.2f}", flush=True)
        done += n
        if secs > args.block_limit:
            print(f"{label:<28} stopped: the block took {secs:.0f} s", flush=True)
            break


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_server(cmd, port, ready_path, label, args):
    """Starts `cmd` (a server on `port`), waits until `ready_path` answers, runs the cycles."""
    data = tempfile.mkdtemp(prefix="neops-cycles-")
    cmd = [c.replace("{data}", data) for c in cmd]
    with open(os.path.join(data, "server.log"), "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(url + ready_path, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            sys.exit(f"{label} did not answer on {url} (log: {data}/server.log)")
        run(url, args, label)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


def with_labd(binary, args):
    port = free_port()
    cmd = [binary, "--listen", f"127.0.0.1:{port}", "--data-dir", "{data}", "--slots", "1",
           "--docker-host", "unix:///nonexistent/labctl-bench-no-docker.sock",
           "--lab-controller", "false"]
    with_server(cmd, port, "/readyz", binary, args)


def with_standin(args, quiet):
    port = free_port()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neops_standin.py")
    # Debian's python3, which has fastapi and uvicorn.
    cmd = ["/usr/bin/python3", script, "--port", str(port)] + (["--quiet"] if quiet else [])
    with_server(cmd, port, "/session/none", "stand-in" + (" (quiet)" if quiet else ""), args)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", help="a running server")
    p.add_argument("--labd", action="append", default=[], help="a labd binary to start (repeat)")
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--block", type=int, default=1000)
    p.add_argument("--block-limit", type=float, default=120,
                   help="stop after a block slower than this many seconds")
    p.add_argument("--token", default="", help="bearer token (labd --tokens)")
    p.add_argument("--standin", action="store_true",
                   help="first the Neops stand-in (bench/neops_standin.py), access log on")
    p.add_argument("--standin-quiet", action="store_true", help="... and with it off")
    args = p.parse_args()
    if not args.url and not args.labd and not args.standin and not args.standin_quiet:
        p.error("--url, --labd or --standin is required")
    if args.standin:
        with_standin(args, quiet=False)
    if args.standin_quiet:
        with_standin(args, quiet=True)
    if args.url:
        run(args.url, args, args.url)
    for binary in args.labd:
        with_labd(binary, args)


if __name__ == "__main__":
    main()
