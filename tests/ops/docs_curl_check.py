#!/usr/bin/env python3
"""The curl examples of docs/api.md and docs/neops-compat.md, run as written.

Starts the real labd (temp data dir, a free loopback port, no lab controller: nothing touches
Docker), then runs every ```sh block of each page that holds a curl line, in page order, in one
bash per page whose `curl` records each request's status (`-w` to a log; --max-time 5 ends the
watch examples). Fails when a request got no answer, a 400 (a documented example is never a bad
request) or a 5xx. Other 4xx are what the examples meet in this order (the session the page
names does not exist, the lab has no containers) and are fine.

    tests/ops/docs_curl_check.py LABD_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from labd_run import free_port, stop, wait_ready

PAGES = ["docs/api.md", "docs/neops-compat.md"]
DOC_ADDRESS = "127.0.0.1:7450"

WRAPPER = r"""
curl() {
  command curl --max-time 5 -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\n' "$@" \
    2>>"$CURL_LOG"
}
"""


def curl_blocks(text):
    """The sh blocks that run curl, and those that only set variables (S=..., API=...)."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    def sets_only(b):
        return all(re.match(r"^[A-Z_]+=\S+$", l) for l in b.splitlines() if l.strip())
    return [b for b in blocks if re.search(r"\bcurl ", b) or sets_only(b)]


def run_page(root, page, address, work):
    blocks = curl_blocks(open(os.path.join(root, page)).read())
    expected = sum(len(re.findall(r"\bcurl ", b)) for b in blocks)
    script = WRAPPER + "\n".join(b.replace(DOC_ADDRESS, address) for b in blocks)
    log = os.path.join(work, "curl.log")
    open(log, "w").close()
    env = dict(os.environ, CURL_LOG=log, LABCTL_TOKEN="unused-without-tokens")
    out = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                         text=True, timeout=300)
    answers = [l.split(" ", 3) for l in open(log).read().splitlines() if l.startswith("HTTP ")]
    failures = []
    if len(answers) != expected:
        failures.append(f"{page}: {expected} curl lines, {len(answers)} requests recorded\n"
                        f"stderr:\n{open(log).read()}")
    for _, code, method, url in answers:
        ok = code != "000" and code != "400" and not code.startswith("5")
        print(f"{'ok  ' if ok else 'FAIL'} {page}: {method} {url} -> {code}")
        if not ok:
            failures.append(f"{page}: {method} {url} answered {code}")
    if failures:
        print("page output (first 4000 bytes):\n" + out.stdout[:4000])
    return failures


def main():
    labd, root = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="labctl-docs-curl-")
    os.symlink(os.path.join(root, "manifests"), os.path.join(work, "manifests"))
    address = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen([labd, "--data-dir", os.path.join(work, "data"), "--listen", address,
                             "--lab-controller=false"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "labd.log"), "w"))
    failures = []
    try:
        if not wait_ready(address):
            failures.append("labd did not become ready: " + open(os.path.join(work, "labd.log")).read())
        else:
            for page in PAGES:
                failures += run_page(root, page, address, work)
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
