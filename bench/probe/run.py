"""Probe benchmark: N URLs over H loopback hosts, observatory vs a requests loop and a bare client.

    .venv/bin/python -m bench.probe.run [--urls 100000 --hosts 500]

Starts a file server on H distinct 127.0.0.0/8 addresses (child processes, one listening
socket per address, loopback only) that counts, per host, the requests in flight at once
and the requests started within any second. Then, each in a fresh process (for its own
peak RSS): a sequential ``requests`` loop on a sample, a bare aiohttp client (no rules: the
practical limit) and optionally a bare httpx client, and ``probe_many`` with the full rules
and the per-host limits. Prints a table and checks the targets (issue 12): at least 5,000
probes/s and at least 60 % of the bare client in the same run, with the guard, URL hygiene
and HEAD rules on, per-host concurrency and rate within the limits as counted by the server.
The default rate (25/s per host) leaves the 5,000/s target reachable: with 500 hosts, 10/s
would cap any polite client at exactly 5,000/s.
The server shares the machine's cores with the clients: figures are for this whole setup.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from bench.probe.clients import BARE_CONCURRENCY, measure
from bench.probe.server import Farm

TARGET_RATE = 5000.0
TARGET_SHARE = 0.60


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.probe.run", description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--per-host", type=int, default=4, help="observatory per-host concurrency")
    parser.add_argument("--rate", type=float, default=25.0, help="observatory requests/s per host")
    parser.add_argument("--sample", type=int, default=2000, help="URLs for the requests loop")
    parser.add_argument("--httpx-sample", type=int, default=0, help="URLs for bare httpx (0: skip)")
    parser.add_argument("--bare-concurrency", type=int, default=BARE_CONCURRENCY)
    parser.add_argument("--server-processes", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.002, help="server answer delay (s)")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def build_urls(bases: list[str], count: int) -> list[str]:
    """URL i on host i mod H: every host gets the same share, interleaved."""
    return [f"{bases[i % len(bases)]}/f/{i}.csv" for i in range(count)]


def run(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()
    with Farm(args.hosts, processes=args.server_processes, delay=args.delay) as farm:
        urls = build_urls(farm.bases(), args.urls)
        rows = [measure("sequential", urls[: args.sample])]
        rows.append(measure("bare_aiohttp", urls, concurrency=args.bare_concurrency))
        if args.httpx_sample:
            sample = urls[: args.httpx_sample]
            rows.append(measure("bare_httpx", sample, concurrency=args.bare_concurrency))
        farm.reset()
        rows.append(measure("observatory", urls, per_host=args.per_host, rate=args.rate))
        hosts = farm.stats()
        farm.reset()
        unpaced = measure("observatory", urls, per_host=args.per_host, rate=None)
        unpaced["client"] = "obs. no rate"
        rows.append(unpaced)
        hosts_unpaced = farm.stats()
    return {
        "command": "python -m bench.probe.run " + " ".join(sys.argv[1:]),
        "load_before": load,
        "load_after": os.getloadavg(),
        "rows": rows,
        "hosts": hosts,
        "hosts_unpaced": hosts_unpaced,
        "args": vars(args),
    }


def verdict(figures: dict[str, Any]) -> list[tuple[str, bool]]:
    args = figures["args"]
    rows = {row["client"]: row for row in figures["rows"]}
    ours, bare = rows["observatory"], rows["bare_aiohttp"]
    hosts = figures["hosts"].values()
    unpaced = figures["hosts_unpaced"].values()
    max_current = max(h["max_current"] for h in hosts)
    max_unpaced = max(h["max_current"] for h in unpaced)
    max_second = max(h["max_per_second"] for h in hosts)
    probed = sum(h["requests"] for h in hosts)
    share = ours["per_s"] / bare["per_s"]
    return [
        (
            f"observatory ≥ {TARGET_RATE:,.0f} probes/s: {ours['per_s']:,.0f}",
            ours["per_s"] >= TARGET_RATE,
        ),
        (f"observatory ≥ {TARGET_SHARE:.0%} of bare aiohttp: {share:.0%}", share >= TARGET_SHARE),
        (
            f"per-host concurrency seen by the server ≤ {args['per_host']}: max {max_current}",
            max_current <= args["per_host"],
        ),
        (
            f"same without the rate limit (concurrency binds) ≤ {args['per_host']}: "
            f"max {max_unpaced}",
            max_unpaced <= args["per_host"],
        ),
        (
            f"requests started within any second per host ≤ {args['rate']:g} + 1: max {max_second}",
            max_second <= args["rate"] + 1,
        ),
        (
            f"every probe reached the server, all up: {probed:,} requests, {ours['outcomes']}",
            ours["outcomes"].get("up", 0) == args["urls"] and probed >= args["urls"],
        ),
    ]


def report(figures: dict[str, Any]) -> bool:
    args = figures["args"]
    rows = figures["rows"]
    bare = next(r for r in rows if r["client"] == "bare_aiohttp")
    print(f"command: {figures['command']}")
    print(
        f"{args['urls']:,} URLs over {args['hosts']} hosts (127.0.0.0/8), "
        f"{os.cpu_count()} cores shared with the server ({args['server_processes']} processes); "
        f"load average before: {figures['load_before'][0]:.2f}"
    )
    header = f"{'client':14} {'URLs':>8} {'wall s':>8} {'probes/s':>9} {'vs bare':>8}"
    print(header + f" {'CPU s':>7} {'peak RSS MB':>11}  outcomes")
    for row in rows:
        share = row["per_s"] / bare["per_s"]
        print(
            f"{row['client']:14} {row['urls']:>8,} {row['wall_s']:>8.2f} {row['per_s']:>9,.0f} "
            f"{share:>8.0%} {row['cpu_s']:>7.1f} {row['rss_mb']:>11.1f}  {row['outcomes']}"
        )
    seq = rows[0]
    print(
        f"(sequential extrapolated to {args['urls']:,} URLs: {args['urls'] / seq['per_s']:.0f} s)"
    )
    after = figures["load_after"]
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    ok = True
    for text, held in verdict(figures):
        ok = ok and held
        print(f"  [{'ok' if held else 'FAIL'}] {text}")
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    figures = run(args)
    ok = report(figures)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
