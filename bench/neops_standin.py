#!/usr/bin/python3
"""neops_standin.py: the Neops Remote Lab session calls, in memory, on FastAPI and uvicorn.

A stand-in for the Neops server to measure labd's facade against in the same run on the same
machine (bench/neops_cycles.py --standin): the framework Neops uses (Debian's python3-fastapi and
python3-uvicorn), the three calls of a cycle with Neops' shapes (docs/neops-compat.md) -- POST
/session 201 {"session_id", "position"}, GET /session/{id} 200 {"status", "position"} (404
unknown), DELETE /session/{id} 204 -- over a FIFO queue of sessions in a dict, with uvicorn's
access log on as Neops ships (--quiet turns it off). It is not Neops' code: it keeps nothing on
disk, runs no clean-up loop and no lab, so it is at least as fast as the real server per call.

    bench/neops_standin.py --port 7460 [--quiet]
"""
import argparse
import time
import uuid

import uvicorn
from fastapi import FastAPI, HTTPException, Response

app = FastAPI()
queue = []  # session ids, FIFO; the head is active
sessions = {}  # id -> last contact (time.time())


@app.post("/session", status_code=201)
def create_session():
    sid = str(uuid.uuid4())
    queue.append(sid)
    sessions[sid] = time.time()
    return {"session_id": sid, "position": len(queue) - 1}


@app.get("/session/{sid}")
def get_session(sid: str):
    if sid not in sessions:
        raise HTTPException(status_code=404, detail="Session not found")
    sessions[sid] = time.time()
    position = queue.index(sid)
    return {"status": "active" if position == 0 else "waiting", "position": position}


@app.delete("/session/{sid}", status_code=204)
def delete_session(sid: str):
    if sid not in sessions:
        raise HTTPException(status_code=404, detail="Session not found")
    del sessions[sid]
    queue.remove(sid)
    return Response(status_code=204)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--quiet", action="store_true", help="no access log")
    a = p.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=a.port, access_log=not a.quiet,
                log_level="warning" if a.quiet else "info")


if __name__ == "__main__":
    main()
