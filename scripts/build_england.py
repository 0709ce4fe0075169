#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the all-England tables instance instances/england-2025/.

Reads the public data in the shared data folder (default:
../shared/data/uk-councils relative to the repository root) and writes the
317 current English councils with six shareable services as CSV tables
(councils, services, spend, neighbours) plus scenario YAML files, in the
folder format of the README ("Tables"). Python 3 standard library only; the
same input gives byte-identical output.

Usage: python3 scripts/build_england.py [--data DIR] [--output DIR]

Every modelling choice is a named constant below and is explained in
instances/README.md ("england-2025"). Money in the data folder is in GBP
thousands; the tables hold whole GBP per year. The script prints the fitted
cost curves (log-log OLS exponent and R^2) and which curve each service uses.
"""

import argparse
import csv
import math
import os
import statistics
import sys

from ukdata import gbp, ols_log_log, party_of, read_csv, scale_for

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(REPO_ROOT, "..", "shared", "data", "uk-councils")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "instances", "england-2025")

COUNCIL_COUNT = 317
FINANCIAL_YEAR = "2024-25"
# Earlier years, newest first, used where a council's 2024-25 line is missing
# or not positive (a late or partial return, or a net figure below zero).
# Only years after the 2019-2021 reorganisations, so that a fallback is
# the same council; with none, the value is imputed (see below).
FALLBACK_YEARS = ("2023-24", "2022-23", "2021-22")
TIER_LABELS = {"CTY": "county", "NMD": "district", "UA": "unitary", "MD": "metropolitan",
               "LBO": "london", "CC": "london"}
UPPER_TIERS = ("county", "unitary", "metropolitan", "london")

# MARK: political control (as scripts/build_lancashire.py)


# MARK: districts, estimated from the Lancashire districts (2024-25)

LANCASHIRE_COUNTY = "E10000017"
LANCASHIRE_DETAIL = "lancashire_revenue_outturn_detail_2024_25.csv"
BACK_OFFICE_LINE = ("RO6", "MANAGEMENT AND SUPPORT SERVICES")
# Pendle keeps its support pool in Corporate and Democratic Core (see the
# Lancashire part of instances/README.md): its recharged part stands in.
BACK_OFFICE_SUBSTITUTE = {"E07000122": (("RO6", "Corporate and Democratic Core"), "total_income_k")}
SIZE_LINE = ("RSX", "Total Service Expenditure")

# MARK: services

LEGAL_SHARE = 0.10                # legal as a share of the back office (assumption)
PLACEMENT_SHARE = 0.25            # of children's social care (as Lancashire)
FOSTERING_ADOPTION_SHARE = 0.20   # of children's social care (as Lancashire)
# Returns known to be broken, treated as missing in every year: BCP reports
# children's social care of GBP 6-10m a year since 2019-20 against total
# service expenditure of GBP 564-619m (a council of 400,000 people).
BROKEN_RETURNS = {("E06000058", "childrens_social_care_k")}
CLA_YEAR = 2022                   # latest year in the DfE extract (year ending March)
# The 2023 unitaries did not exist in 2022: their volumes come from the
# county they replace, split by Census 2021 population where two share one.
CLA_PREDECESSOR = {"E06000063": "E10000006", "E06000064": "E10000006",   # Cumbria
                   "E06000065": "E10000023", "E06000066": "E10000027"}   # North Yorkshire, Somerset

# A fitted curve is used (cost_curve left blank, so the engine fits it) when
# the OLS exponent is in [MIN_EXPONENT, MAX_EXPONENT] and R^2 is at least
# MIN_R_SQUARED; otherwise the service gets the explicit exponent below with
# the scale calibrated as MODEL.md does after clipping.
MIN_EXPONENT, MAX_EXPONENT, MIN_R_SQUARED = 0.05, 0.99, 0.5
FALLBACK_EXPONENT = {
    "back_office": 0.90, "legal": 0.90,
    "back_office_districts": 0.90, "legal_districts": 0.90,
    "placement_commissioning": 0.95, "fostering_adoption": 0.90,
}

SERVICES = (
    {"id": "back_office", "name": "Back office, upper and single tier (central services)",
     "max_members": 4, "max_distance_km": 80, "distance_cost_per_km": 500,
     "setup_cost_per_member": 1000000, "setup_years": 5, "tiers": UPPER_TIERS, "contiguous": False},
    {"id": "legal", "name": "Legal services, upper and single tier",
     "max_members": 5, "max_distance_km": 80, "distance_cost_per_km": 200,
     "setup_cost_per_member": 150000, "setup_years": 5, "tiers": UPPER_TIERS, "contiguous": False},
    {"id": "back_office_districts", "name": "Back office, districts (management and support, estimated)",
     "max_members": 5, "max_distance_km": 50, "distance_cost_per_km": 500,
     "setup_cost_per_member": 500000, "setup_years": 5, "tiers": ("district",), "contiguous": False},
    {"id": "legal_districts", "name": "Legal services, districts (estimated)",
     "max_members": 6, "max_distance_km": 50, "distance_cost_per_km": 200,
     "setup_cost_per_member": 100000, "setup_years": 5, "tiers": ("district",), "contiguous": False},
    {"id": "placement_commissioning", "name": "Children's placement commissioning",
     "max_members": 4, "max_distance_km": 120, "distance_cost_per_km": 1000,
     "setup_cost_per_member": 150000, "setup_years": 3, "tiers": UPPER_TIERS, "contiguous": True},
    {"id": "fostering_adoption", "name": "Fostering and adoption (regional agency)",
     "max_members": 5, "max_distance_km": 120, "distance_cost_per_km": 500,
     "setup_cost_per_member": 300000, "setup_years": 3, "tiers": UPPER_TIERS, "contiguous": True},
)

TARGET_FRACTION = 0.018   # NLGN (2011) "Shared Necessities"
# Assumed for the party-rules scenario: Reform UK councils do not share with
# Labour, Liberal Democrat or Green councils (and these with it).
PARTY_RULES = [["REF", "LAB"], ["REF", "LD"], ["REF", "GRN"]]

DESCRIPTION = ("All 317 English councils with 2024-25 spend on six shareable services "
               "(back office and legal by tier family, children's placement commissioning, "
               "fostering and adoption). Built by scripts/build_england.py; sources, licences "
               "and assumptions in instances/README.md.")


def fit_power(points):
    """OLS of ln spend on ln volume: (exponent, r_squared, intercept scale)."""
    exponent, r_squared, mean_x, mean_y = ols_log_log(points)
    return exponent, r_squared, math.exp(mean_y - exponent * mean_x)


def number(text):
    """A DfE cell: a count, or None for c (suppressed), z (not applicable) or blank."""
    text = (text or "").strip()
    return float(text) if text not in ("", "c", "z", "x", ":") else None


def build(data_dir):
    master = sorted(read_csv(data_dir, "councils_england.csv"), key=lambda r: r["gss_code"])
    if len(master) != COUNCIL_COUNT:
        sys.exit(f"expected {COUNCIL_COUNT} councils, found {len(master)}")
    control = {r["gss_code"]: r for r in read_csv(data_dir, "council_control_latest.csv")}
    outturn = {}
    for r in read_csv(data_dir, "revenue_outturn_summary_upper_tier.csv"):
        outturn[(r["gss_code"], r["financial_year"])] = r
    notes = []   # (council, text) for every substitution

    def upper_line(code, column, plausible=lambda row, value: value > 0):
        """The 2024-25 value of a summary column, or the newest earlier year
        with a plausible value; None when there is none."""
        if (code, column) in BROKEN_RETURNS:
            return None, None
        for year in (FINANCIAL_YEAR,) + FALLBACK_YEARS:
            row = outturn.get((code, year))
            if row is None:
                continue
            value = float(row[column] or 0)
            if plausible(row, value):
                if year != FINANCIAL_YEAR:
                    notes.append((code, f"{column} from {year} ({value:,.0f}k; 2024-25 missing, zero, negative or implausible)"))
                return value, year
        return None, None

    # Lancashire districts: GBP per resident of management and support (gross)
    # and of net total service expenditure.
    detail = {(r["gss_code"], r["form"], r["service_line"]): r
              for r in read_csv(data_dir, LANCASHIRE_DETAIL) if r["financial_year"] == FINANCIAL_YEAR}
    lancs = [r for r in master if r["county_gss_code"] == LANCASHIRE_COUNTY]
    support = net_size = people = 0.0
    for r in lancs:
        form_line, column = BACK_OFFICE_SUBSTITUTE.get(r["gss_code"], (BACK_OFFICE_LINE, "total_expenditure_k"))
        support += float(detail[(r["gss_code"],) + form_line][column])
        net_size += float(detail[(r["gss_code"],) + SIZE_LINE]["net_current_expenditure_k"])
        people += int(r["population_census2021"])
    support_per_person = support * 1000 / people
    net_per_person = net_size * 1000 / people

    # Children looked after, latest year; suppressed cells from the newest
    # earlier year that has them, else 0.
    cla = {}
    for r in read_csv(data_dir, "children_looked_after_volumes_by_la_2018_2022.csv"):
        cla.setdefault(r["gss_code"], {})[int(r["year_ending_march"])] = r

    def cla_value(code, column):
        years = cla.get(code, {})
        for year in range(CLA_YEAR, 2017, -1):
            if year in years and number(years[year][column]) is not None:
                if year != CLA_YEAR:
                    notes.append((code, f"{column} from the year ending March {year} (suppressed in {CLA_YEAR})"))
                return number(years[year][column])
        if CLA_YEAR in years and years[CLA_YEAR][column].strip() == "c":
            notes.append((code, f"{column} suppressed in every year: taken as 0"))
        return 0.0

    census = {r["gss_code"]: int(r["population_census2021"]) for r in master}

    def volumes(code):
        source, share = code, 1.0
        if code in CLA_PREDECESSOR:
            source = CLA_PREDECESSOR[code]
            siblings = [c for c, s in CLA_PREDECESSOR.items() if s == source]
            share = census[code] / sum(census[c] for c in siblings)
            notes.append((code, f"children's volumes: {share:.3f} of {source} (the county it replaced), {CLA_YEAR}"))
        placements = cla_value(source, "new_placements_total") * share
        permanence = placements + (cla_value(source, "adoptions_total")
                                   + cla_value(source, "special_guardianship_orders_total")) * share
        return round(placements, 1), round(permanence, 1)

    councils, spend = [], []
    upper_per_person = {"central_services_k": [], "childrens_social_care_k": []}
    for r in master:
        code, tier = r["gss_code"], TIER_LABELS[r["type"]]
        if tier != "district":
            row = outturn.get((code, FINANCIAL_YEAR))
            if row and float(row["central_services_k"]) > 0:
                upper_per_person["central_services_k"].append(float(row["central_services_k"]) * 1000 / int(r["population_mid2024"]))
            if row and float(row["childrens_social_care_k"]) > 0 and (code, "childrens_social_care_k") not in BROKEN_RETURNS:
                upper_per_person["childrens_social_care_k"].append(float(row["childrens_social_care_k"]) * 1000 / int(r["population_mid2024"]))
    medians = {k: statistics.median(v) for k, v in upper_per_person.items()}

    for r in master:
        code, tier = r["gss_code"], TIER_LABELS[r["type"]]
        district = tier == "district"
        population = int(r["population_census2021"]) if district else int(r["population_mid2024"])
        if district:
            controllable = net_per_person * population
            back_office = support_per_person * population
        else:
            total, _ = upper_line(code, "total_service_expenditure_k")
            education, _ = upper_line(code, "education_k", plausible=lambda row, value: value >= 0 and float(row["total_service_expenditure_k"] or 0) > 0)
            controllable = (total - education) * 1000
            central, _ = upper_line(code, "central_services_k")
            if central is None:
                central = medians["central_services_k"] * population / 1000
                notes.append((code, f"central services: no positive year; the median per resident of the other upper-tier councils ({medians['central_services_k']:.2f} GBP) x population"))
            back_office = central * 1000
            childrens, _ = upper_line(code, "childrens_social_care_k")
            if childrens is None:
                childrens = medians["childrens_social_care_k"] * population / 1000
                notes.append((code, f"children's social care: no usable year; the median per resident ({medians['childrens_social_care_k']:.2f} GBP) x population"))
        councils.append({
            "id": code, "name": r["name"], "lat": f"{float(r['centroid_lat']):.5f}",
            "lon": f"{float(r['centroid_lon']):.5f}", "tier": tier, "party": party_of(control[code]),
            "population": population, "controllable_spend": int(round(controllable)), "region": r["region"],
        })
        if district:
            spend.append(("back_office_districts", code, int(round(back_office)), population))
            spend.append(("legal_districts", code, int(round(back_office * LEGAL_SHARE)), population))
        else:
            spend.append(("back_office", code, int(round(back_office)), population))
            spend.append(("legal", code, int(round(back_office * LEGAL_SHARE)), population))
            placements, permanence = volumes(code)
            if placements > 0:
                spend.append(("placement_commissioning", code, gbp(childrens * PLACEMENT_SHARE), placements))
            else:
                notes.append((code, "no new placements recorded: no children's placement row"))
            if permanence > 0:
                spend.append(("fostering_adoption", code, gbp(childrens * FOSTERING_ADOPTION_SHARE), permanence))

    services, fits = [], []
    for template in SERVICES:
        service = dict(template)
        points = [(v, s) for sid, _, s, v in spend if sid == service["id"] and s > 0 and v > 0]
        exponent, r_squared, intercept = fit_power(points)
        if MIN_EXPONENT <= exponent <= MAX_EXPONENT and r_squared >= MIN_R_SQUARED:
            service["exponent"] = service["scale"] = ""
            how = f"fitted by the engine (OLS exponent {exponent:.4f} is in [{MIN_EXPONENT}, {MAX_EXPONENT}] with R^2 {r_squared:.3f})"
            used = (exponent, intercept)
        else:
            chosen = FALLBACK_EXPONENT[service["id"]]
            scale = float(f"{scale_for(points, chosen):.6g}")
            service["exponent"], service["scale"] = chosen, scale
            why = (f"OLS exponent {exponent:.4f} is outside [{MIN_EXPONENT}, {MAX_EXPONENT}]"
                   if not MIN_EXPONENT <= exponent <= MAX_EXPONENT else f"R^2 {r_squared:.3f} is below {MIN_R_SQUARED}")
            how = f"explicit exponent {chosen} ({why}), scale calibrated on the {len(points)} rows"
            used = (chosen, scale)
        services.append(service)
        fits.append((service["id"], len(points), exponent, r_squared, how, used))

    codes = {c["id"] for c in councils}
    neighbours = set()
    for name in ("lad_adjacency_england_2024.csv", "upper_tier_adjacency_england_2024.csv"):
        for r in read_csv(data_dir, name):
            a, b = sorted((r["gss_code_a"], r["gss_code_b"]))
            if a in codes and b in codes:
                neighbours.add((a, b))
    return councils, services, spend, sorted(neighbours), fits, notes, support_per_person, net_per_person


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


SCENARIOS = {
    "scenario.yaml": f"""# england-2025: the base scenario of the folder (read with the tables).
name: england-2025
description: >-
  {DESCRIPTION}
# NLGN (2011) "Shared Necessities": 1.8% of spend from sharing back offices.
# The base is the sum of controllable_spend (net spend less education).
target: {{min_saving_fraction: {TARGET_FRACTION}}}
objective: max_saving
""",
    "scenarios/nlgn-min-groups.yaml": f"""# Reach the NLGN 1.8% target with the fewest agreements (then the largest saving).
name: england-2025-nlgn-min-groups
target: {{min_saving_fraction: {TARGET_FRACTION}}}
objective: min_groups
""",
    "scenarios/party-rules.yaml": f"""# As nlgn-min-groups, with party rules. ASSUMPTION: Reform UK councils do
# not share with Labour, Liberal Democrat or Green councils. Councils with no
# overall control (NOC) and independents (IND) share with anyone.
name: england-2025-party-rules
target: {{min_saving_fraction: {TARGET_FRACTION}}}
objective: min_groups
incompatible_parties:
""" + "".join(f"  - [{a}, {b}]\n" for a, b in PARTY_RULES),
    "scenarios/childrens-only.yaml": """# Upper-tier children's services only: the back-office and legal services
# are not shared (no tier may share them). The 1.8% target is dropped, since
# it is a back-office figure; the question is what children's services alone save.
name: england-2025-childrens-only
target: null
objective: max_saving
services:
  back_office: {tiers: []}
  legal: {tiers: []}
  back_office_districts: {tiers: []}
  legal_districts: {tiers: []}
""",
    "scenarios/neighbours-only.yaml": """# Neighbours only: every service may group only councils connected through
# shared borders (neighbours.csv), with the base target and objective.
name: england-2025-neighbours-only
services:
  back_office: {contiguous: true}
  legal: {contiguous: true}
  back_office_districts: {contiguous: true}
  legal_districts: {contiguous: true}
  placement_commissioning: {contiguous: true}
  fostering_adoption: {contiguous: true}
""",
}


def main():
    parser = argparse.ArgumentParser(description="Build instances/england-2025/ (CSV tables and scenarios).")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder with the uk-councils CSV files")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="folder to write")
    args = parser.parse_args()
    councils, services, spend, neighbours, fits, notes, support_pp, net_pp = build(args.data)

    os.makedirs(os.path.join(args.output, "scenarios"), exist_ok=True)
    council_columns = ["id", "name", "lat", "lon", "tier", "party", "population", "controllable_spend", "region"]
    write_csv(os.path.join(args.output, "councils.csv"), council_columns,
              [[c[k] for k in council_columns] for c in councils])
    service_columns = ["id", "name", "exponent", "scale", "max_members", "max_distance_km", "distance_cost_per_km",
                       "setup_cost_per_member", "setup_years", "tiers", "contiguous"]
    write_csv(os.path.join(args.output, "services.csv"), service_columns,
              [[";".join(s[k]) if k == "tiers" else str(s[k]).lower() if k == "contiguous" else s[k]
                for k in service_columns] for s in services])
    order = [s["id"] for s in SERVICES]
    write_csv(os.path.join(args.output, "spend.csv"), ["council", "service", "spend", "volume"],
              [[c, s, amount, volume] for s, c, amount, volume in sorted(spend, key=lambda r: (order.index(r[0]), r[1]))])
    write_csv(os.path.join(args.output, "neighbours.csv"), ["a", "b"], [list(p) for p in neighbours])
    for name, text in SCENARIOS.items():
        with open(os.path.join(args.output, name), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    tiers = {}
    for c in councils:
        tiers[c["tier"]] = tiers.get(c["tier"], 0) + 1
    parties = {}
    for c in councils:
        parties[c["party"]] = parties.get(c["party"], 0) + 1
    base = sum(c["controllable_spend"] for c in councils)
    print(f"england-2025: {len(councils)} councils ({', '.join(f'{k} {v}' for k, v in sorted(tiers.items()))}), "
          f"{len(services)} services, {len(spend)} spend rows, {len(neighbours)} neighbour pairs")
    print(f"  parties: {', '.join(f'{k} {v}' for k, v in sorted(parties.items()))}")
    print(f"  Lancashire districts: management and support {support_pp:.2f} GBP and net service expenditure "
          f"{net_pp:.2f} GBP per resident (Census 2021)")
    print(f"  controllable spend {base / 1e9:.2f}bn; target {TARGET_FRACTION:.1%} = {base * TARGET_FRACTION / 1e6:.1f}m")
    for sid, count, exponent, r_squared, how, (used_exponent, used_scale) in fits:
        total = sum(s for i, _, s, _ in spend if i == sid)
        print(f"  {sid}: {count} rows, spend {total / 1e6:.1f}m; log-log OLS exponent {exponent:.4f}, R^2 {r_squared:.3f}")
        print(f"    curve: {how}: C(V) = {used_scale:.6g} * V^{used_exponent:.4f}")
    print(f"  {len(notes)} substitutions:")
    for code, text in notes:
        print(f"    {code}: {text}")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
