#!/usr/bin/env python3
"""Delivery latency of beep-iam's mail: from the start of the request that causes a mail to the
moment a real SMTP server (scripts/smtp_sink.py) has accepted it.

Starts the SMTP sink and a beep-iam server (EMAIL_TRANSPORT=smtp, rate limit off, cheap
hashing so the measurement is of the mail path, not argon2id), signs up N users with
`CONCURRENCY` clients (each sign-up queues one verification mail), and reports the median,
p99 and maximum latency over the N mails, as JSON and a line of text.

    bench/mail_latency.py [--mails 1000] [--concurrency 8] [--database-url postgres://…]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent


def start_sink(folder):
    sink = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/smtp_sink.py"), "--port", "0", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = sink.stdout.readline()
    if not line.startswith("LISTENING"):
        sys.exit(f"the SMTP sink did not start: {line!r}")
    return sink, int(line.split()[1])


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, data, smtp_port, database_url):
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "BEEP_IAM_DATA_DIR": str(data),
        "BETTER_AUTH_SECRET": "mail-latency-secret-0123456789abcdef0123456789",
        "RATE_LIMIT_ENABLED": "false",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "PASSWORD_HASH_ITERATIONS": "1",
        "EMAIL_TRANSPORT": "smtp",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    log = open(data / "server.log", "w")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/health/ready") as reply:
                if reply.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.1)
    sys.exit("the server did not become ready")


def sign_up(base, email):
    body = json.dumps({"name": "Latency", "email": email, "password": "Latency-Kettle-Orbit-42"}).encode()
    request = urllib.request.Request(
        f"{base}/api/auth/sign-up/email",
        data=body,
        headers={"content-type": "application/json", "origin": base},
    )
    started = time.time()
    with urllib.request.urlopen(request) as reply:
        reply.read()
        assert reply.status == 200, reply.status
    return email, started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--binary", default=str(ROOT / "target/release/beep-iam"))
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="beep-mail-latency-"))
    (work / "mail").mkdir()
    sink, smtp_port = start_sink(work / "mail")
    server, base = start_server(args.binary, work, smtp_port, args.database_url)
    try:
        run = int(time.time())
        emails = [f"latency-{run}-{i}@example.com" for i in range(args.mails)]
        began = time.time()
        with ThreadPoolExecutor(args.concurrency) as pool:
            started = dict(pool.map(lambda e: sign_up(base, e), emails))
        requests_done = time.time()

        received = {}
        deadline = time.time() + 120
        while len(received) < args.mails and time.time() < deadline:
            for path in (work / "mail").glob("*.json"):
                mail = json.loads(path.read_text())
                for to in mail["rcpt_tos"]:
                    received.setdefault(to, []).append(mail["received_at"])
            if len(received) < args.mails:
                received.clear()
                time.sleep(0.2)
        duplicates = sum(len(times) - 1 for times in received.values())
        latencies = sorted((min(received[e]) - started[e]) * 1000 for e in emails if e in received)
    finally:
        server.terminate()
        server.wait()
        sink.terminate()
        sink.wait()

    result = {
        "scenario": "mail-latency",
        "database": "postgres" if args.database_url else "sqlite",
        "mails": args.mails,
        "delivered": len(latencies),
        "duplicates": duplicates,
        "concurrency": args.concurrency,
        "sign_ups_per_s": round(args.mails / (requests_done - began), 1),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }
    print(json.dumps(result))
    if result["delivered"] != args.mails or duplicates:
        sys.exit("not every mail was delivered exactly once")


if __name__ == "__main__":
    main()
