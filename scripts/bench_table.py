#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turns the CSV of `councilshare bench pmed|ufl|cpmp ... --formulation both
--format csv` into the Markdown table of the README (one row per instance:
strong and textbook side by side), and prints the median speed-up over the
instances where at least one formulation finished.

    python3 scripts/bench_table.py bench.csv
"""
import csv
import statistics
import sys


def main(path):
    rows = list(csv.DictReader(open(path, newline="")))
    textbook = {r["instance"]: r for r in rows if r["formulation"] == "textbook"}
    print("| instance | n | p | published | strong: objective | bound | status | s | textbook: status | s | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for r in rows:
        if r["formulation"] != "strong":
            continue
        t = textbook.get(r["instance"], {})
        status = r["status"]
        if status == "feasible" and r["best_bound"]:
            status = "feasible"
        t_status = t.get("status", "")
        if t_status == "feasible":
            t_status = f"feasible ({t['objective']}/{t['best_bound']})"
        print(f"| {r['instance']} | {r['n']} | {r['p_or_facilities']} | {r['published']} | {r['objective']} | "
              f"{r['best_bound']} | {status} | {r['seconds']} | {t_status} | {t.get('seconds', '')} | {r['speedup']} |")
        if r["speedup"] and r["speedup"] != "-":
            ratios.append(float(r["speedup"].strip("<>x")))
    if ratios:
        print(f"\nmedian speed-up {statistics.median(ratios):.1f}x over {len(ratios)} instances "
              f"(min {min(ratios):.1f}x, max {max(ratios):.1f}x)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
