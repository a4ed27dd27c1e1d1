#!/usr/bin/env python3
"""Turns bench/run.sh's results.jsonl into a Markdown table and the target ratios."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]


def find(system, db, scenario):
    """The row of a scenario; better-auth's names carry a `-c<connections>` suffix."""
    for row in rows:
        name = row.get("scenario", "")
        if row.get("system") == system and row.get("db") == db and (name == scenario or name.startswith(scenario + "-c")):
            return row
    return None


print("| system | db | scenario | req/s | p50 ms | p99 ms | errors | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|")
for row in rows:
    if row.get("scenario", "").startswith("raw-argon2id") or row.get("scenario") == "idle-rss":
        continue
    errors = sum(row.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    rss = row.get("peak_rss_kib") or row.get("peak_rss_kb") or row.get("vmhwm_kb")
    rss = f"{rss / 1024:.0f}" if rss else ""
    print(f"| {row['system']} | {row['db']} | {row['scenario']} | {row['rps']:.0f} | {row['p50_ms']:.2f} | "
          f"{row['p99_ms']:.2f} | {errors} | {rss} |")

raw = find("beep-iam", "-", "raw-argon2id")
print()
if raw:
    print(f"Raw argon2id (m={raw['memory_kib']} KiB, t={raw['iterations']}, p=1) on {raw['threads']} threads: "
          f"{raw['rate']:.1f} hashes/s. better-auth hashes with scrypt N=16384, r=16, p=1.")
print("Session caches: `sqlite` and `postgres` run the default in-process cache (on PostgreSQL kept in "
      "step across nodes by the database's change notices; also the default when REDIS_URL is set); "
      "`postgres+redis` runs SESSION_CACHE=shared, the Redis cache, one Redis round trip per read.")
print()
print("| target | db | measured | goal | met |")
print("|---|---|---|---|---|")


def target(name, db, value, goal, ok):
    print(f"| {name} | {db} | {value} | {goal} | {'yes' if ok else 'NO'} |")


peer_get = find("better-auth", "postgres", "get-session")
peer_in = find("better-auth", "postgres", "sign-in")
for db in ("sqlite", "postgres", "postgres+redis"):
    ok = find("beep-iam", db, "ok")
    off = find("beep-iam", db, "get-session-cache-off")
    on = find("beep-iam", db, "get-session-cache-on")
    ok2 = find("beep-iam", db, "ok-2")
    sign_in = find("beep-iam", db, "sign-in")
    quiet = find("beep-iam", db, "get-session-quiet")
    storm = find("beep-iam", db, "get-session-during-sign-in-storm")
    storm_rss = find("beep-iam", db, "sign-in-storm")
    idle = find("beep-iam", db, "idle-rss")
    if ok and off:
        r = off["rps"] / ok["rps"]
        target("get-session (cache off) / `/ok`", db, f"{r:.2f}", ">= 0.50", r >= 0.5)
    if ok2 and on:
        r = on["rps"] / ok2["rps"]
        target("get-session (cache on) / `/ok`", db, f"{r:.2f}", ">= 0.80", r >= 0.8)
    if off and peer_get:
        r = off["rps"] / peer_get["rps"]
        target("get-session (cache off) / better-auth get-session", db, f"{r:.1f}x", ">= 10x", r >= 10)
    before = find("beep-iam", db, "raw-argon2id-before")
    after = find("beep-iam", db, "raw-argon2id-after")
    if sign_in and before and after:
        rate = (before["rate"] + after["rate"]) / 2
        r = sign_in["rps"] / rate
        target("sign-in / raw argon2id rate (mean of just before and after)", db,
               f"{r:.2f} ({sign_in['rps']:.1f} / {rate:.1f})", ">= 0.90", r >= 0.9)
    elif sign_in and raw:
        r = sign_in["rps"] / raw["rate"]
        target("sign-in / raw argon2id rate", db, f"{r:.2f}", ">= 0.90", r >= 0.9)
    if sign_in and peer_in:
        r = sign_in["rps"] / peer_in["rps"]
        target("sign-in / better-auth sign-in", db, f"{r:.1f}x", ">= 3x", r >= 3)
    if quiet and storm:
        r = storm["p99_ms"] / max(quiet["p99_ms"], 0.001)
        target("get-session p99 under sign-in storm / quiet p99", db, f"{r:.1f} ({storm['p99_ms']:.1f} / {quiet['p99_ms']:.1f} ms)", "<= 5", r <= 5)
    if storm_rss and storm_rss.get("peak_rss_kib"):
        mib = storm_rss["peak_rss_kib"] / 1024
        target("peak RSS during the sign-in storm", db, f"{mib:.0f} MiB", "<= 100 MiB", mib <= 100)
    if idle:
        mb = idle["rss_kib"] * 1024 / 1e6
        target("idle RSS", db, f"{mb:.1f} MB", "<= 30 MB", mb <= 30)
    full = find("beep-iam", db, "org-get-full")
    perm = find("beep-iam", db, "org-has-permission")
    if ok and full and perm:
        print(f"| organization reads / `/ok` (no goal) | {db} | get-full-organization "
              f"{full['rps'] / ok['rps']:.2f}, has-permission {perm['rps'] / ok['rps']:.2f} | — | — |")
    # Credentials for resource servers: no goal yet, reported as ratios to `/ok`.
    for scenario in ["jwt-token", "jwks", "api-key-verify", "get-session-api-key",
                     "oauth-client-credentials", "oauth-introspect", "oauth-userinfo"]:
        row = find("beep-iam", db, scenario)
        if ok and row:
            print(f"| {scenario} / `/ok` (no goal) | {db} | {row['rps'] / ok['rps']:.2f} "
                  f"({row['rps']:.0f} req/s) | — | — |")
