# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the instance recipes (build_lancashire.py, build_england.py):
reading the uk-councils tables, money units, the power-curve fit of MODEL.md
section 1, and political control."""

import csv
import math
import os
import sys

# Open Council Data control labels -> the party codes used in instances.
PARTY_CODES = {"CON": "CON", "LAB": "LAB", "LD": "LD", "GREEN": "GRN",
               "REF": "REF", "OTHER": "IND", "NOC": "NOC"}


def read_csv(data_dir, name):
    with open(os.path.join(data_dir, name), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def gbp(thousands):
    """GBP thousands -> whole GBP."""
    return int(round(thousands * 1000))


def ols_log_log(points):
    """OLS of ln spend on ln volume over (volume, spend) points:
    (slope, r_squared, mean ln volume, mean ln spend)."""
    xs = [math.log(volume) for volume, _ in points]
    ys = [math.log(spend) for _, spend in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    r_squared = sxy * sxy / (sxx * syy) if syy > 0 else 1.0
    return slope, r_squared, mean_x, mean_y


def scale_for(points, exponent):
    """exp(mean of ln spend - exponent * ln volume): MODEL.md's scale for a given exponent."""
    total = sum(math.log(spend) - exponent * math.log(volume) for volume, spend in points)
    return math.exp(total / len(points))


def party_of(row):
    """May 2026 controlling party where the council was contested in 2026 and
    a party won a majority; otherwise control by seats after May 2025 (NOC: no
    party has a majority)."""
    if row["may2026_contested"] == "1" and row["may2026_status"] == "majority":
        label = row["may2026_controlling_party"]
    else:
        label = row["ocd_2025_control_by_seats"]
    if label not in PARTY_CODES:
        sys.exit(f"unknown control label {label!r} for {row['gss_code']}")
    return PARTY_CODES[label]
