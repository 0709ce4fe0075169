#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the bundled real-data instance instances/lancashire-2025.json.

Reads the public data in the shared data folder (default:
../shared/data/uk-councils relative to the repository root) and writes the
15 councils of the Lancashire area with four services, their 2024-25 spend,
neighbours, political control and a savings target. Python 3 standard
library only; the same input gives a byte-identical output.

Usage: python3 scripts/build_lancashire.py [DATA_DIR] [--output FILE]

Every modelling choice is a named constant below and is explained in
instances/README.md. Money in the data folder is in GBP thousands; the
instance holds whole GBP per year.
"""

import argparse
import json
import os
import sys

from ukdata import gbp, ols_log_log, party_of, read_csv, scale_for

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(REPO_ROOT, "..", "shared", "data", "uk-councils")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "instances", "lancashire-2025.json")

# MARK: which councils

COUNTY = "E10000017"                      # Lancashire County Council
UNITARIES = ("E06000008", "E06000009")    # Blackburn with Darwen, Blackpool
COUNCIL_COUNT = 15
FINANCIAL_YEAR = "2024-25"
TIER_LABELS = {"CTY": "county", "NMD": "district", "UA": "unitary"}

# MARK: political control

# Open Council Data UK labels -> short codes ("OTHER" = independents,
# residents' groups and other local parties).

# MARK: Revenue Outturn lines (GBP thousands)

SIZE_LINE = ("RSX", "Total Service Expenditure")
EDUCATION_LINE = ("RSX", "Education services")
BACK_OFFICE_LINE = ("RO6", "MANAGEMENT AND SUPPORT SERVICES")
# Pendle's MANAGEMENT AND SUPPORT SERVICES line is zero: it keeps its support
# pool inside Corporate and Democratic Core. The part of that line recharged
# to services (its income) stands in for the pool.
BACK_OFFICE_SUBSTITUTE = {"E07000122": (("RO6", "Corporate and Democratic Core"), "total_income_k")}
# The back-office curve's scale is calibrated on the districts, the councils
# whose support services are alike enough to share one curve, less Rossendale,
# whose pool is tiny and hardly recharged (its support costs sit in the
# services themselves). Every council keeps its spend row.
BACK_OFFICE_SCALE_TIER = "district"
BACK_OFFICE_SCALE_EXCLUDE = ("E07000125",)
REVENUES_BENEFITS_LINES = (("RO6", "Council tax collection"),
                           ("RO6", "Non-domestic rates collection"),
                           ("RO4", "Housing Benefits Administration"))

# MARK: children's social care (upper tier)

# Shares of 2024-25 net children's social care spend (assumptions).
PLACEMENT_SHARE = 0.25            # residential and other commissioned placements
FOSTERING_ADOPTION_SHARE = 0.20   # fostering, adoption, special guardianship
VOLUME_YEARS = (2018, 2019, 2020, 2021, 2022)   # DfE years ending 31 March

# MARK: cost curves

# Services listed here get an explicit power curve with this exponent; the
# scale is calibrated as MODEL.md does after clipping: the mean over the rows
# of ln(spend) - b ln(volume) (for back_office, over the rows named above).
# Services not listed leave cost_curve absent, so the tool fits the curve to
# the councils' own spend rows.
EXPLICIT_EXPONENT = {
    "back_office": 0.90,
    "placement_commissioning": 0.95,
    "fostering_adoption": 0.90,
}

# MARK: services

SERVICES = (
    {"id": "back_office",
     "name": "Back office (management and support services)",
     "max_members": 5, "max_distance_km": 50,
     "distance_cost_per_km": 500, "setup_cost_per_member": 500000,
     "setup_years": 5, "tiers": ["county", "district", "unitary"]},
    {"id": "revenues_benefits",
     "name": "Revenues and benefits (council tax, business rates, housing benefit)",
     "max_members": 4, "max_distance_km": 40,
     "distance_cost_per_km": 300, "setup_cost_per_member": 250000,
     "setup_years": 5, "tiers": ["district", "unitary"], "contiguous": True},
    {"id": "placement_commissioning",
     "name": "Children's placement commissioning",
     "max_members": 3, "max_distance_km": 60,
     "distance_cost_per_km": 1000, "setup_cost_per_member": 150000,
     "setup_years": 3, "tiers": ["county", "unitary"]},
    {"id": "fostering_adoption",
     "name": "Fostering and adoption (regional agency)",
     "max_members": 3, "max_distance_km": 60,
     "distance_cost_per_km": 500, "setup_cost_per_member": 300000,
     "setup_years": 3, "tiers": ["county", "unitary"]},
)

# No incompatible_parties: the only Reform UK council is the county and both
# unitaries are Labour, so a REF-LAB rule would forbid every upper-tier group.
INCOMPATIBLE_PARTIES = []
TARGET = {"min_saving_fraction": 0.018}   # NLGN (2011) "Shared Necessities"
OBJECTIVE = "max_saving"

DESCRIPTION = ("The 15 councils of the Lancashire area (Lancashire County Council, its 12 "
               "districts, Blackburn with Darwen and Blackpool) with their 2024-25 Revenue "
               "Outturn spend on four shareable services. Built by scripts/build_lancashire.py; "
               "sources, licences and assumptions in instances/README.md.")


def fit_power(points):
    """The fit MODEL.md section 1 gives for an absent cost curve.

    OLS of ln spend on ln volume. Returns (ols_exponent, r_squared,
    exponent, scale) where exponent is the OLS one clipped to [0.05, 1] and
    scale the mean of ln spend - exponent * ln volume (the OLS intercept when
    nothing was clipped).
    """
    ols, r_squared, _, _ = ols_log_log(points)
    exponent = min(1.0, max(0.05, ols))
    return ols, r_squared, exponent, scale_for(points, exponent)


def build(data_dir):
    master = sorted((r for r in read_csv(data_dir, "councils_england.csv")
                     if r["gss_code"] == COUNTY or r["county_gss_code"] == COUNTY
                     or r["gss_code"] in UNITARIES), key=lambda r: r["gss_code"])
    if len(master) != COUNCIL_COUNT:
        sys.exit(f"expected {COUNCIL_COUNT} Lancashire-area councils, found {len(master)}")
    codes = [r["gss_code"] for r in master]
    code_set = set(codes)

    control = {r["gss_code"]: r for r in read_csv(data_dir, "council_control_latest.csv")}
    outturn = {(r["gss_code"], r["form"], r["service_line"]): r
               for r in read_csv(data_dir, "lancashire_revenue_outturn_detail_2024_25.csv")
               if r["financial_year"] == FINANCIAL_YEAR}

    def line(code, form_line, column="total_expenditure_k"):
        key = (code,) + form_line
        if key not in outturn:
            sys.exit(f"missing Revenue Outturn line {form_line} for {code}")
        return float(outturn[key][column])

    summary = {r["gss_code"]: r for r in read_csv(data_dir, "revenue_outturn_summary_upper_tier.csv")
               if r["financial_year"] == FINANCIAL_YEAR and r["gss_code"] in code_set}
    looked_after = {}
    for r in read_csv(data_dir, "children_looked_after_volumes_by_la_2018_2022.csv"):
        if r["gss_code"] in code_set and int(r["year_ending_march"]) in VOLUME_YEARS:
            looked_after.setdefault(r["gss_code"], {})[int(r["year_ending_march"])] = r

    councils, notes = [], {}
    for r in master:
        code = r["gss_code"]
        tier = TIER_LABELS[r["type"]]
        if tier != "district" and r["population_mid2024"]:
            population, source = int(r["population_mid2024"]), "ONS mid-2024"
        else:
            population, source = int(r["population_census2021"]), "Census 2021"
        controllable = (line(code, SIZE_LINE, "net_current_expenditure_k")
                        - line(code, EDUCATION_LINE, "net_current_expenditure_k"))
        councils.append({
            "id": code,
            "name": r["official_name"] if tier == "county" else r["name"],
            "lat": round(float(r["centroid_lat"]), 5),
            "lon": round(float(r["centroid_lon"]), 5),
            "tier": tier,
            "party": party_of(control[code]),
            "population": population,
            "controllable_spend": gbp(controllable),
        })
        notes[code] = {"tier": tier, "population_source": source,
                       "census2021": int(r["population_census2021"])}

    spend = []

    def add(service, code, amount, volume):
        if amount > 0 and volume > 0:
            spend.append({"council": code, "service": service, "spend": amount, "volume": volume})

    for code in codes:
        tier = notes[code]["tier"]
        form_line, column = BACK_OFFICE_SUBSTITUTE.get(code, (BACK_OFFICE_LINE, "total_expenditure_k"))
        add("back_office", code, gbp(line(code, form_line, column)), gbp(line(code, SIZE_LINE)))
        if tier in ("district", "unitary"):
            collection = sum(line(code, form_line) for form_line in REVENUES_BENEFITS_LINES)
            add("revenues_benefits", code, gbp(collection), notes[code]["census2021"])
        if tier in ("county", "unitary"):
            childrens = float(summary[code]["childrens_social_care_k"])
            years = looked_after.get(code, {})
            if tuple(sorted(years)) != VOLUME_YEARS:
                sys.exit(f"missing children looked after years for {code}")

            def mean_of(*columns):
                return sum(float(years[y][c]) for y in VOLUME_YEARS for c in columns) / len(VOLUME_YEARS)

            placements = mean_of("new_placements_total")
            permanence = mean_of("new_placements_total", "adoptions_total", "special_guardianship_orders_total")
            add("placement_commissioning", code, gbp(childrens * PLACEMENT_SHARE), round(placements, 1))
            add("fostering_adoption", code, gbp(childrens * FOSTERING_ADOPTION_SHARE), round(permanence, 1))

    services, fits = [], []
    for template in SERVICES:
        service = dict(template)
        rows = [s for s in spend if s["service"] == service["id"]]
        points = [(s["volume"], s["spend"]) for s in rows]
        ols, r_squared, exponent, scale = fit_power(points)
        how = "absent: the tool fits it (clipped exponent shown)"
        if service["id"] in EXPLICIT_EXPONENT:
            exponent = EXPLICIT_EXPONENT[service["id"]]
            calibration = points
            if service["id"] == "back_office":
                calibration = [(s["volume"], s["spend"]) for s in rows
                               if notes[s["council"]]["tier"] == BACK_OFFICE_SCALE_TIER
                               and s["council"] not in BACK_OFFICE_SCALE_EXCLUDE]
            scale = float(f"{scale_for(calibration, exponent):.6g}")
            service = {"id": service["id"], "name": service["name"],
                       "cost_curve": {"power": {"scale": scale, "exponent": exponent}},
                       **{k: v for k, v in service.items() if k not in ("id", "name")}}
            how = f"explicit: assumed exponent, scale calibrated on {len(calibration)} of the {len(points)} rows"
        services.append(service)
        fits.append({"service": service, "rows": rows, "ols": ols, "r_squared": r_squared,
                     "exponent": exponent, "scale": scale, "how": how})

    adjacency = set()
    for r in read_csv(data_dir, "lad_adjacency_england_2024.csv"):
        if r["gss_code_a"] in code_set and r["gss_code_b"] in code_set:
            adjacency.add(tuple(sorted((r["gss_code_a"], r["gss_code_b"]))))
    for r in read_csv(data_dir, "upper_tier_adjacency_england_2024.csv"):
        pair = tuple(sorted((r["gss_code_a"], r["gss_code_b"])))
        if COUNTY in pair and set(pair) <= code_set:
            adjacency.add(pair)

    order = [s["id"] for s in SERVICES]
    instance = {
        "name": "lancashire-2025",
        "description": DESCRIPTION,
        "councils": councils,
        "services": services,
        "spend": sorted(spend, key=lambda s: (order.index(s["service"]), s["council"])),
    }
    if INCOMPATIBLE_PARTIES:
        instance["incompatible_parties"] = INCOMPATIBLE_PARTIES
    instance["adjacency"] = [list(pair) for pair in sorted(adjacency)]
    instance["target"] = TARGET
    instance["objective"] = OBJECTIVE
    return instance, fits, notes


def render(instance):
    """JSON, indent 2, one line per council, service, spend row and pair."""
    def compact(value):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    parts = []
    for key, value in instance.items():
        if isinstance(value, list) and value:
            body = ",\n".join("    " + compact(item) for item in value)
            parts.append(f'  "{key}": [\n{body}\n  ]')
        else:
            parts.append(f'  "{key}": {compact(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def print_summary(instance, fits, notes):
    names = {c["id"]: c["name"] for c in instance["councils"]}
    print(f"{instance['name']}: {len(instance['councils'])} councils, "
          f"{len(instance['services'])} services, {len(instance['spend'])} spend rows, "
          f"{len(instance['adjacency'])} adjacency pairs")
    for c in instance["councils"]:
        print(f"  {c['id']}  {c['name']:<26} {c['tier']:<8} {c['party']:<4} "
              f"population {c['population']:>9,} ({notes[c['id']]['population_source']:<12}) "
              f"controllable spend {c['controllable_spend'] / 1e6:8.1f}m")
    base = sum(c["controllable_spend"] for c in instance["councils"])
    fraction = instance["target"]["min_saving_fraction"]
    print(f"  controllable spend {base / 1e6:.1f}m; target {fraction:.1%} of it = {base * fraction / 1e6:.1f}m")
    for fit in fits:
        rows = fit["rows"]
        total = sum(r["spend"] for r in rows)
        print(f"\n{fit['service']['id']}: {len(rows)} councils, spend {total / 1e6:.2f}m")
        print(f"  OLS of ln spend on ln volume: exponent {fit['ols']:.4f}, R^2 {fit['r_squared']:.3f}, "
              f"clipped {min(1.0, max(0.05, fit['ols'])):.4f}")
        print(f"  cost curve {fit['how']}: C(V) = {fit['scale']:.6g} * V^{fit['exponent']:.4f}")
        for r in rows:
            on_curve = fit["scale"] * r["volume"] ** fit["exponent"]
            print(f"    {names[r['council']]:<26} spend {r['spend'] / 1e6:8.3f}m  volume {r['volume']:>15,}"
                  f"  spend/curve {r['spend'] / on_curve:5.2f}")


def main():
    parser = argparse.ArgumentParser(description="Build instances/lancashire-2025.json.")
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA,
                        help="folder with the uk-councils CSV files")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="instance file to write")
    args = parser.parse_args()
    instance, fits, notes = build(args.data_dir)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(instance))
    print_summary(instance, fits, notes)
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
