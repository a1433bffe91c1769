#!/usr/bin/env python3
"""The request sequences of the Neops Remote Lab server's own test-suite, replayed against labd.

Starts the real labd (temp data dir, a free loopback port, the Neops facade at the root) with its
Lab controller on the system dockerd, scoped so it touches only what it creates: its own
--instance (one per build directory) and --orphan-lab-prefix neops-. Then drives the facade the
way Neops clients do, through one keep-alive requests.Session (the real client is built on
requests), and checks every answer's status code and its JSON field names and types:

  health       GET /healthz, GET /debug/health (timestamp and uptime floats, counts ints)
  session      create / get / heartbeat / active-session / delete, and 404 once ended
  queue        a second session waits, may heartbeat, gets 423 on /lab*, is promoted when the
               first is deleted
  errors       missing X-Session-ID (422 with FastAPI's validation body), unknown session (404),
               missing topology form field (422), bad topology name (400), unknown path (404
               {"detail": "Not Found"}), wrong method (405 with Allow), bodiless POSTs (no
               Content-Length, as `curl -X POST` sends them)
  lab          POST /lab with a topology (a labctl Lab manifest: one labbox container, so it can
               run here) and extra_files in sub-folders, reuse true/false, re-acquire within the
               session without the extra files, a bring-up that fails (500, no reference kept),
               GET /lab, /lab/devices, release, DELETE /lab with force=false/true, and nothing of
               the lab left on the engine afterwards

    tests/ops/neops_compat_check.py LABD_BINARY SOURCE_DIR BUILD_DIR
"""
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

import requests

from labd_run import free_port, stop, wait_ready

DOCKER_SOCKET = "/var/run/docker.sock"
LAB_TIMEOUT = 240  # POST /lab answers once the lab is Ready


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_float(v):
    return isinstance(v, float)


def is_str(v):
    return isinstance(v, str)


def is_bool(v):
    return isinstance(v, bool)


def is_list(v):
    return isinstance(v, list)


def is_dict(v):
    return isinstance(v, dict)


def is_str_or_none(v):
    return v is None or isinstance(v, str)


def status(r, code, what):
    expect(r.status_code == code,
           f"{what}: {r.request.method} {r.request.path_url} answered {r.status_code}, "
           f"want {code}: {r.text[:300]}")


def fields(body, spec, what, exact=True):
    """body is an object whose fields have the types of spec (name -> predicate); with exact,
    it has no other fields."""
    expect(is_dict(body), f"{what}: want an object, got {body!r}")
    for name, is_type in spec.items():
        expect(name in body, f"{what}: field {name!r} missing in {body!r}")
        expect(is_type(body[name]),
               f"{what}: field {name!r} is {body[name]!r}, want {is_type.__name__[3:]}")
    if exact:
        expect(set(body) == set(spec), f"{what}: fields {sorted(body)}, want {sorted(spec)}")


def empty(r, code, what):
    status(r, code, what)
    expect(r.content == b"", f"{what}: a {code} has no body, got {r.content[:100]!r}")


def detail(r, code, message, what):
    status(r, code, what)
    body = r.json()
    fields(body, {"detail": is_str}, what)
    if message is not None:
        expect(body["detail"] == message, f"{what}: detail {body['detail']!r}, want {message!r}")


def missing(r, where, name, what):
    """FastAPI's (pydantic 1) 422 for a missing header or form field."""
    status(r, 422, what)
    body = r.json()
    fields(body, {"detail": is_list}, what)
    expect(len(body["detail"]) == 1, f"{what}: want one error, got {body!r}")
    fields(body["detail"][0], {"loc": is_list, "msg": is_str, "type": is_str}, what)
    expect(body["detail"][0]["loc"] == [where, name],
           f"{what}: loc {body['detail'][0]['loc']!r}, want {[where, name]!r}")
    expect(body["detail"][0]["type"] == "value_error.missing", f"{what}: type {body!r}")


class Facade:
    def __init__(self, base):
        self.base = base
        self.http = requests.Session()  # keep-alive, as RemoteLabClient

    def get(self, path, sid=None, **kw):
        return self.http.get(self.base + path, headers=self._as(sid), timeout=30, **kw)

    def post(self, path, sid=None, timeout=30, **kw):
        return self.http.post(self.base + path, headers=self._as(sid), timeout=timeout, **kw)

    def delete(self, path, sid=None, **kw):
        return self.http.delete(self.base + path, headers=self._as(sid), timeout=30, **kw)

    def put(self, path, **kw):
        return self.http.put(self.base + path, timeout=30, **kw)

    @staticmethod
    def _as(sid):
        return {"X-Session-ID": sid} if sid is not None else {}

    def new_session(self, position):
        r = self.post("/session")
        status(r, 201, "POST /session")
        body = r.json()
        fields(body, {"session_id": is_str, "position": is_int}, "POST /session")
        expect(uuid.UUID(body["session_id"]).version == 4, f"session_id {body} is no UUID v4")
        expect(body["position"] == position, f"POST /session position {body}, want {position}")
        return body["session_id"]

    def session_state(self, sid, state, position):
        r = self.get(f"/session/{sid}")
        status(r, 200, "GET /session/{id}")
        body = r.json()
        fields(body, {"status": is_str, "position": is_int}, "GET /session/{id}")
        expect(body == {"status": state, "position": position},
               f"GET /session/{{id}}: {body}, want {state} at {position}")

    def health(self):
        r = self.get("/debug/health")
        status(r, 200, "GET /debug/health")
        body = r.json()
        fields(body, {"status": is_str, "timestamp": is_float, "uptime": is_float,
                      "sessions": is_int, "queue_length": is_int}, "GET /debug/health")
        return body

    def upload(self, sid, name, topology, extra=(), reuse=None):
        files = [("topology", (name, topology, "application/x-yaml"))]
        files += [("extra_files", (path, content)) for path, content in extra]
        data = {} if reuse is None else {"reuse": "true" if reuse else "false"}
        return self.post("/lab", sid, timeout=LAB_TIMEOUT, files=files, data=data)


def bodiless_post(address, path, headers=()):
    """A POST without Content-Length (nor Transfer-Encoding), as `curl -X POST URL` sends it."""
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("POST", path)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def check_health(f, address):
    r = f.get("/healthz")
    # labd's own liveness probe at the root (200 "ok"; Neops answers 204): docs/neops-compat.md.
    status(r, 200, "GET /healthz")
    body = f.health()
    expect(body["status"] == "ok", f"debug/health status {body}")
    expect(abs(body["timestamp"] - time.time()) < 300, f"timestamp {body} is no epoch seconds")
    expect(body["uptime"] >= 0, f"uptime {body}")
    expect(body["sessions"] == 0 and body["queue_length"] == 0, f"fresh labd: {body}")


def check_session(f, address):
    sid = f.new_session(0)
    f.session_state(sid, "active", 0)
    empty(f.post("/session/heartbeat", sid), 204, "POST /session/heartbeat")
    r = f.get("/active-session", sid)
    status(r, 200, "GET /active-session")
    fields(r.json(), {"session_id": is_str, "status": is_str, "position": is_int},
           "GET /active-session")
    expect(r.json() == {"session_id": sid, "status": "active", "position": 0}, r.text)
    body = f.health()
    expect(body["sessions"] == 1 and body["queue_length"] == 1, f"one active session: {body}")
    empty(f.delete(f"/session/{sid}"), 204, "DELETE /session/{id}")
    detail(f.get(f"/session/{sid}"), 404, "Session not found", "GET an ended session")
    detail(f.delete(f"/session/{sid}"), 404, "Session not found", "DELETE an ended session")
    detail(f.get("/active-session"), 404, "No active session", "GET /active-session, none")


def check_queue(f, address):
    a = f.new_session(0)
    b = f.new_session(1)
    try:
        f.session_state(b, "waiting", 1)
        body = f.health()
        expect(body["sessions"] == 2 and body["queue_length"] == 2, f"active + waiting: {body}")
        empty(f.post("/session/heartbeat", b), 204, "heartbeat of a waiting session")
        detail(f.get("/lab", b), 423, "Session is not active", "GET /lab, waiting")
        detail(f.upload(b, "lab.yml", "nodes: {r1: {}}\n"), 423, "Session is not active",
               "POST /lab, waiting")
        detail(f.post("/lab/release", b), 423, "Session is not active", "release, waiting")
        # The active session's id is its credential: only its holder gets it back.
        r = f.get("/active-session")
        status(r, 200, "GET /active-session by a stranger")
        fields(r.json(), {"session_id": is_str_or_none, "status": is_str, "position": is_int},
               "GET /active-session by a stranger")
        expect(r.json()["session_id"] is None, f"a stranger got the active id: {r.text}")
        empty(f.delete(f"/session/{a}"), 204, "DELETE the active session")
        f.session_state(b, "active", 0)  # promoted before the answer
        r = f.get("/active-session", b)
        expect(r.status_code == 200 and r.json()["session_id"] == b, f"promoted: {r.text}")
    finally:
        f.delete(f"/session/{a}")
        f.delete(f"/session/{b}")


def check_errors(f, address):
    missing(f.post("/session/heartbeat"), "header", "x-session-id", "heartbeat without header")
    for method, path in [("get", "/lab"), ("get", "/lab/devices"), ("post", "/lab/release"),
                         ("delete", "/lab")]:
        missing(getattr(f, method)(path), "header", "x-session-id", f"{path} without header")
    unknown = str(uuid.uuid4())
    detail(f.post("/session/heartbeat", unknown), 404, "Session not found", "heartbeat, unknown")
    detail(f.get(f"/session/{unknown}"), 404, "Session not found", "GET unknown session")
    detail(f.get("/lab", unknown), 404, "Session not found", "GET /lab, unknown session")
    detail(f.get("/nope"), 404, "Not Found", "unknown path")
    detail(f.get("/session"), 405, "Method Not Allowed", "GET /session")
    r = f.put("/session")
    detail(r, 405, "Method Not Allowed", "PUT /session")
    expect(r.headers.get("Allow") == "POST", f"405 Allow: {r.headers}")
    detail(f.post("/lab/devices"), 405, "Method Not Allowed", "POST /lab/devices")
    r = f.http.options(f.base + "/session/heartbeat", timeout=30)
    detail(r, 405, "Method Not Allowed", "OPTIONS /session/heartbeat")
    expect(r.headers.get("Allow") == "POST", f"405 Allow: {r.headers}")
    sid = f.new_session(0)
    try:
        missing(f.post("/lab", sid, data={"reuse": "true"}, files=[("extra_files", ("a", "b"))]),
                "body", "topology", "POST /lab without topology")
        missing(f.post("/lab", sid), "body", "topology", "POST /lab without a body")
        detail(f.upload(sid, "lab.txt", "nodes: {r1: {}}\n"), 400, None, "topology not .yml")
        detail(f.upload(sid, "lab.yml", "nodes: {}\n", [("../x", "boom")]), 400, None,
               "extra file outside the upload folder")
        # Bodiless POSTs: no Content-Length, as curl -X POST sends them.
        code, body = bodiless_post(address, "/session/heartbeat", [("X-Session-ID", sid)])
        expect(code == 204 and body == b"", f"bodiless heartbeat: {code} {body[:200]!r}")
        code, body = bodiless_post(address, "/lab/release", [("X-Session-ID", sid)])
        expect(code == 404 and b"No lab running" in body, f"bodiless release: {code} {body!r}")
    finally:
        empty(f.delete(f"/session/{sid}"), 204, "DELETE /session/{id}")
    code, body = bodiless_post(address, "/session")
    expect(code == 201, f"bodiless POST /session: {code} {body[:200]!r}")
    sid = json.loads(body)["session_id"]
    empty(f.delete(f"/session/{sid}"), 204, "DELETE the bodiless one's session")


def lab_manifest(run):
    # One container, no networks: nothing that could clash with other labs on a shared engine.
    # The comment makes the content (so the lab name, neops-<hash>) this run's own.
    return (f"# neops compat check, run {run}\n"
            "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nmetadata: {name: compat}\n"
            "spec:\n  nodes:\n    - {name: r1, image: 'labbox:latest'}\n")


def lab_up(r, reused, what):
    status(r, 200, what)
    body = r.json()
    fields(body, {"reused": is_bool, "devices": is_list}, what)
    expect(body["reused"] is reused, f"{what}: reused {body['reused']}, want {reused}")
    check_devices(body["devices"], what)


def check_devices(devices, what):
    expect([d.get("name") for d in devices] == ["r1"], f"{what}: devices {devices}")
    for d in devices:
        fields(d, {"name": is_str, "raw": is_dict}, what)
        fields(d["raw"], {"mgmt": is_dict}, what, exact=False)


def describe(f, sid, running, refs):
    r = f.get("/lab", sid)
    status(r, 200, "GET /lab")
    body = r.json()
    fields(body, {"running": is_bool, "topology": is_str_or_none, "ref_count": is_int,
                  "devices": is_list, "netlab_status": is_str_or_none}, "GET /lab", exact=False)
    expect(body["running"] is running and body["ref_count"] == refs,
           f"GET /lab: {body}, want running={running} ref_count={refs}")
    return body


def check_lab(f, address, data_dir, run):
    topology = lab_manifest(run)
    extra = [("configs/init.cfg", "hostname r1\n"), ("notes.txt", "compat\n")]
    sid = f.new_session(0)
    try:
        describe(f, sid, False, 0)
        detail(f.get("/lab/devices", sid), 404, "No lab running", "devices before upload")
        # A bring-up that fails is a 500 and holds no reference: retried, it fails afresh, and
        # another topology may come up after it (not 423 for the rest of the session).
        broken = lab_manifest(run + "-broken").replace("labbox:latest", "labctl-no-such-image:none")
        for attempt in ("first", "retried"):
            detail(f.upload(sid, "broken.yml", broken), 500, None, f"{attempt} failing bring-up")
            describe(f, sid, False, 0)
        lab_up(f.upload(sid, "topo.yml", topology, extra, reuse=True), False, "first POST /lab")
        body = describe(f, sid, True, 1)
        expect(body["topology"] == "topo.yml", f"GET /lab topology: {body}")
        lab_dir = os.path.join(data_dir, "labs", body.get("lab", ""))
        for path, content in extra:  # beside the topology, keeping their sub-folders
            on_disk = os.path.join(lab_dir, path)
            expect(os.path.isfile(on_disk) and open(on_disk).read() == content,
                   f"extra file {path} not at {on_disk}")
        r = f.get("/lab/devices", sid)
        status(r, 200, "GET /lab/devices")
        check_devices(r.json(), "GET /lab/devices")
        # Re-acquired within the session without the extra files: the same lab (a 423 here
        # would never clear: Neops' client retries 423 without end).
        lab_up(f.upload(sid, "topo.yml", topology, reuse=True), True, "re-acquire, no extras")
        lab_up(f.upload(sid, "topo.yml", topology), True, "re-acquire, reuse by default")
        describe(f, sid, True, 3)
        detail(f.upload(sid, "topo.yml", topology, extra, reuse=False), 423, "Lab currently busy",
               "reuse=false while referenced")
        detail(f.upload(sid, "other.yml", lab_manifest(run + "-other")), 423,
               "Lab currently busy", "another topology while referenced")
        for _ in range(4):  # never below 0
            empty(f.post("/lab/release", sid), 204, "POST /lab/release")
        describe(f, sid, True, 0)
        # At count 0, reuse=false tears the lab down and brings it up again.
        lab_up(f.upload(sid, "topo.yml", topology, extra, reuse=False), False,
               "reuse=false at count 0")
        describe(f, sid, True, 1)
        detail(f.delete("/lab?force=false", sid), 409, "Lab still in use", "DELETE force=false")
        empty(f.post("/lab/release", sid), 204, "POST /lab/release")
        empty(f.delete("/lab?force=false", sid), 202, "DELETE /lab force=false at count 0")
        empty(f.delete("/lab", sid), 204, "DELETE /lab, none")
        detail(f.get("/lab/devices", sid), 404, "No lab running", "devices after teardown")
        detail(f.post("/lab/release", sid), 404, "No lab running", "release after teardown")
        # Ending the session with a lab up tears it down (its idle timeout is 0).
        lab_up(f.upload(sid, "topo.yml", topology, extra), False, "POST /lab once more")
    finally:
        f.delete(f"/session/{sid}")


def engine_leftovers(instance):
    out = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label=dev.labctl.instance={instance}"],
        capture_output=True, text=True, timeout=60)
    return out.stdout.split()


def wait_until(predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def main():
    labd, root, build = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    docker = os.access(DOCKER_SOCKET, os.W_OK) and shutil.which("docker")
    if docker:
        built = subprocess.run([os.path.join(root, "scripts", "build-labbox")], capture_output=True,
                               text=True)
        if built.returncode != 0:
            print("FAIL: scripts/build-labbox:", built.stdout, built.stderr)
            return 1
    # One instance per build directory: a run's orphan sweep removes what a killed earlier run
    # of this checkout left, and never anything of another labd.
    instance = "test-neops-compat-" + hashlib.sha256(build.encode()).hexdigest()[:4]
    work = tempfile.mkdtemp(prefix="labctl-neops-compat-")
    data_dir = os.path.join(work, "data")
    address = f"127.0.0.1:{free_port()}"
    args = [labd, "--data-dir", data_dir, "--listen", address, "--log-level", "debug"]
    if docker:
        args += ["--docker-host", "unix://" + DOCKER_SOCKET, "--instance", instance,
                 "--orphan-lab-prefix", "neops-", "--lab-controller", "true"]
    else:
        args += ["--docker-host", "unix:///nonexistent/labctl-test-no-docker.sock",
                 "--lab-controller", "false"]
    log = os.path.join(work, "labd.log")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    f = Facade("http://" + address)
    checks = [check_health, check_session, check_queue, check_errors]
    failures = []
    try:
        if not wait_ready(address):
            failures.append("labd did not become ready")
        else:
            for check in checks:
                failures += run(check, f, address)
            if docker:
                run_id = f"{os.getpid()}-{time.time_ns()}"
                failures += run(lambda f, a: check_lab(f, a, data_dir, run_id), f, address,
                                "check_lab")
                if not wait_until(lambda: not engine_leftovers(instance), 120):
                    failures.append(f"containers of {instance} left: {engine_leftovers(instance)}")
    finally:
        stop(proc)
        if failures:
            print("labd log (last 6000 bytes):\n" + open(log).read()[-6000:])
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    if not docker and not failures:
        print("LABCTL_SKIPPED: no dockerd at " + DOCKER_SOCKET + ": lab uploads not checked")
    return 1 if failures else 0


def run(check, f, address, name=None):
    name = name or check.__name__
    try:
        check(f, address)
        print(f"ok   {name}")
        return []
    except Failed as e:
        print(f"FAIL {name}: {e}")
        return [f"{name}: {e}"]
    except Exception:
        print(f"FAIL {name}:\n{traceback.format_exc()}")
        return [f"{name}: {traceback.format_exc()}"]


if __name__ == "__main__":
    sys.exit(main())
