#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz the councilshare command line (robustness, not exactness).

Builds mutated instances from instances/lancashire-2025.json and from small
generated instances (`councilshare generate --councils 12 --services 3 --seed S`),
then runs on each

    councilshare solve FILE --time-limit 5 --format json
    councilshare check FILE PLAN

A case FAILS when a run
  * exits with a code other than 0, 2, 3, 4 (solve) or 0, 2, 3, 4, 5 (check),
  * dies by a signal (negative return code),
  * prints a GLPK message (GLPK's own terminal output) on stdout or stderr,
  * takes longer than 60 s,
  * for the solve with --time-limit, ends more than --overrun seconds after
    that limit (default 1 s: a time limit that is not kept),
  * or, for solve, exits 0 with output that is not strict JSON (no NaN or
    Infinity), that is not a plan (MODEL.md section 5), or whose plan fails
    `check` against the same instance.

The PLAN given to `check` is the solve's own plan when it exited 0, else the
unmutated base instance's plan; some cases also mutate the plan itself, and
some valid instances are solved once more under a very short time limit
(0.005-1 s, --short-limit-rate), so that stops land in every stage of the
search; the same rules apply to that run.

Deterministic for a given --seed and --cases. Standard library only.

    swift build -c release --scratch-path .build-soak
    python3 scripts/fuzz_cli.py --cases 3000 --jobs 2

Failing inputs go to --out (default /tmp/fuzz-failures/), one folder per case
with the instance, the plan, the commands and their output; a summary is
printed at the end (and written to OUT/summary.txt). Exit status 0 when no case
failed, 1 otherwise.
"""

import argparse
import copy
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(ROOT, ".build-soak", "release", "councilshare")
LANCASHIRE = os.path.join(ROOT, "instances", "lancashire-2025.json")

SOLVE_OK = {0, 2, 3, 4}
# Extra solves of valid instances under very short limits (see --short-limit-rate).
SHORT_LIMITS = [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0]
CHECK_OK = {0, 2, 3, 4, 5}
WALL_LIMIT = 60.0

# GLPK's own terminal output (glp_printf / xprintf): solver logs, assertion and
# error reports. Our messages never contain these.
GLPK_PATTERNS = re.compile(
    r"GLPK|glp_|glpk|Assertion failed|Error detected in file|"
    r"Long-step dual simplex|GLPK Simplex Optimizer|GLPK Integer Optimizer|"
    r"Constructing initial basis|Preprocessing\.\.\.|Scaling\.\.\.|"
    r"OPTIMAL LP SOLUTION FOUND|INTEGER OPTIMAL SOLUTION FOUND|"
    r"PROBLEM HAS NO (PRIMAL|DUAL) FEASIBLE SOLUTION|LP HAS UNBOUNDED|"
    r"^\s*[*+ ]\s*\d+: (obj|mip) =|TIME LIMIT EXCEEDED|Integer optimization begins|"
    r"Solving LP relaxation|Gomory's cuts|Mixed cover cuts|Clique cuts|"
    r"lpx_|xassert|xerror|Memory allocation error",
    re.MULTILINE,
)


# --------------------------------------------------------------------------
# Strict JSON


def _reject_constant(name):
    raise ValueError("non-standard JSON constant %s" % name)


def strict_loads(text):
    """json.loads that refuses NaN, Infinity and -Infinity."""
    return json.loads(text, parse_constant=_reject_constant)


def plan_shape_problems(plan):
    """What a plan lacks of MODEL.md section 5 (empty list: the shape is right)."""
    problems = []
    if not isinstance(plan, dict):
        return ["plan is not a JSON object"]
    for field in ("instance", "status", "objective", "total_saving", "bound", "services"):
        if field not in plan:
            problems.append("missing field %s" % field)
    if plan.get("status") not in ("optimal", "feasible", "infeasible", "no_solution"):
        problems.append("status %r" % (plan.get("status"),))
    if plan.get("objective") not in ("max_saving", "min_groups"):
        problems.append("objective %r" % (plan.get("objective"),))
    saving = plan.get("total_saving")
    if not isinstance(saving, (int, float)) or isinstance(saving, bool) or not math.isfinite(saving):
        problems.append("total_saving %r" % (saving,))
    bound = plan.get("bound")
    if bound is not None and (not isinstance(bound, (int, float)) or isinstance(bound, bool)):
        problems.append("bound %r" % (bound,))
    services = plan.get("services")
    if not isinstance(services, list):
        problems.append("services is not a list")
    else:
        for service in services:
            if not isinstance(service, dict) or not isinstance(service.get("groups"), list):
                problems.append("service without groups: %r" % (service,))
                continue
            for group in service["groups"]:
                if not isinstance(group, dict) or "host" not in group or not isinstance(group.get("members"), list):
                    problems.append("malformed group %r" % (group,))
                elif group["host"] not in group["members"]:
                    problems.append("host %r not among members" % (group["host"],))
    return problems


# --------------------------------------------------------------------------
# Mutations. Each takes (rng, instance dict) and returns a dict (written as
# JSON), or bytes (written as they are), or a Special marker.


class Special:
    def __init__(self, kind):
        self.kind = kind


def numeric_paths(node, path=()):
    """Paths to every number (not bool) in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from numeric_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from numeric_paths(value, path + (index,))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path


def all_paths(node, path=()):
    """Paths to every value below the root."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,)
            yield from all_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield path + (index,)
            yield from all_paths(value, path + (index,))


def get_path(node, path):
    for key in path:
        node = node[key]
    return node


def set_path(node, path, value):
    get_path(node, path[:-1])[path[-1]] = value


def pick_path(rng, doc, numeric=False):
    paths = list(numeric_paths(doc) if numeric else all_paths(doc))
    return rng.choice(paths) if paths else None


def listed(doc, key):
    """doc[key] when it is a list (an earlier mutation may have made it anything), else []."""
    value = doc.get(key, []) if isinstance(doc, dict) else []
    return value if isinstance(value, list) else []


def dicts(doc, key):
    """The entries of `listed(doc, key)` that are objects."""
    return [x for x in listed(doc, key) if isinstance(x, dict)]


def council_ids(doc):
    return [c.get("id") for c in dicts(doc, "councils")]


def service_ids(doc):
    return [s.get("id") for s in dicts(doc, "services")]


def m_delete_field(rng, doc):
    paths = [p for p in all_paths(doc) if isinstance(get_path(doc, p[:-1]), dict)]
    # Prefer required fields now and then.
    required = [p for p in paths if p[-1] in ("id", "name", "lat", "lon", "spend", "council", "service", "councils", "services")]
    path = rng.choice(required if required and rng.random() < 0.5 else paths)
    del get_path(doc, path[:-1])[path[-1]]
    return doc


def m_change_type(rng, doc):
    path = pick_path(rng, doc)
    replacements = ["text", "", 0, 1, -1, 2.5, True, False, None, [], {}, [1, 2], {"a": 1}, "12", "0x10"]
    set_path(doc, path, rng.choice(replacements))
    return doc


NAN_STRINGS = ["NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "1e999", "", " ", "null", "0x1p3", "1,5", "12abc"]


def m_nan_string(rng, doc):
    for _ in range(rng.randint(1, 3)):
        path = pick_path(rng, doc, numeric=True)
        if path:
            set_path(doc, path, rng.choice(NAN_STRINGS))
    return doc


def m_nan_literal(rng, doc):
    """Unquoted NaN / Infinity / 1e999 / -0 / huge exponent tokens in the JSON text."""
    path = pick_path(rng, doc, numeric=True)
    marker = "__FUZZ_LITERAL__"
    set_path(doc, path, marker)
    token = rng.choice(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "1E400",
                        "123456789012345678901234567890", "0.0000000000000000000000000000001e-300",
                        "1.7976931348623157e308", "4.9e-324", "2e-323"])
    return json.dumps(doc).replace('"%s"' % marker, token).encode()


def m_huge_numbers(rng, doc):
    kind = rng.choice(["spend", "volume", "spend_all", "volume_all", "scale", "controllable", "population",
                       "distance_cost", "setup_cost", "target", "km", "points", "mixed"])
    big = rng.choice([1e308, 1.7976931348623157e308, 1e300, 1e200, 1e150, 9.007199254740993e15])
    rows = dicts(doc, "spend")
    services = dicts(doc, "services")
    councils = dicts(doc, "councils")
    if kind == "spend" and rows:
        for row in rng.sample(rows, k=min(len(rows), rng.randint(1, 3))):
            row["spend"] = big
    elif kind == "volume" and rows:
        for row in rng.sample(rows, k=min(len(rows), rng.randint(1, 3))):
            row["volume"] = big
    elif kind == "spend_all":
        for row in rows:
            row["spend"] = rng.choice([1e308, 1e300])
    elif kind == "volume_all":
        for row in rows:
            row["volume"] = rng.choice([1e308, 1e300])
    elif kind == "scale" and services:
        service = rng.choice(services)
        service["cost_curve"] = {"power": {"scale": rng.choice([1e200, 1e300, 1e308, 1e-300]),
                                           "exponent": rng.choice([1, 0.9, 0.5, 1e-9])}}
    elif kind == "controllable":
        for council in councils:
            council["controllable_spend"] = big
    elif kind == "population":
        for council in councils:
            council["population"] = big
        for row in rows:
            row.pop("volume", None)
    elif kind == "distance_cost" and services:
        rng.choice(services)["distance_cost_per_km"] = big
    elif kind == "setup_cost" and services:
        rng.choice(services)["setup_cost_per_member"] = big
    elif kind == "target":
        doc["target"] = {"min_saving": big}
    elif kind == "km":
        ids = council_ids(doc)
        if len(ids) >= 2:
            a, b = rng.sample(ids, 2)
            doc.setdefault("distances", []).append({"a": a, "b": b, "km": big})
    elif kind == "points" and services:
        rng.choice(services)["cost_curve"] = {"points": [[0, 0], [big, big]]}
    else:
        for path in list(numeric_paths(doc)):
            if rng.random() < 0.1:
                set_path(doc, path, rng.choice([big, -big]))
    return doc


def m_negative(rng, doc):
    targets = [("spend", "spend"), ("spend", "volume"), ("councils", "population"),
               ("councils", "controllable_spend"), ("services", "max_members"), ("services", "max_distance_km"),
               ("services", "distance_cost_per_km"), ("services", "setup_cost_per_member"),
               ("services", "setup_years")]
    section, field = rng.choice(targets)
    items = dicts(doc, section)
    if items:
        item = rng.choice(items)
        item[field] = -abs(item.get(field, 1) if isinstance(item.get(field), (int, float)) else 1) or -1
    if rng.random() < 0.3:
        path = pick_path(rng, doc, numeric=True)
        if path:
            value = get_path(doc, path)
            set_path(doc, path, -abs(value) if value else -1)
    if rng.random() < 0.2:
        doc["min_group_saving_fraction"] = rng.choice([-0.5, -1e-300, 1, 1.5])
    if rng.random() < 0.2:
        doc["target"] = rng.choice([{"min_saving": -1}, {"min_saving_fraction": -0.01}, {"min_saving_fraction": 1.01}])
    return doc


def m_zero_volume(rng, doc):
    for row in listed(doc, "spend"):
        if isinstance(row, dict):
            row["volume"] = 0
    if rng.random() < 0.3:
        for council in listed(doc, "councils"):
            if isinstance(council, dict):
                council["population"] = 0
    return doc


def m_zero_spend(rng, doc):
    for row in listed(doc, "spend"):
        if isinstance(row, dict):
            row["spend"] = 0
    if rng.random() < 0.3:
        for council in listed(doc, "councils"):
            if isinstance(council, dict):
                council["controllable_spend"] = 0
        doc["target"] = {"min_saving_fraction": rng.choice([0, 0.018])}
        if rng.random() < 0.5:
            doc["objective"] = "min_groups"
    return doc


def m_empty_lists(rng, doc):
    choice = rng.choice(["councils", "services", "spend", "tiers", "points", "adjacency_pair", "parties_pair",
                         "all_optional", "distances", "keep_together"])
    if choice in ("councils", "services", "spend"):
        doc[choice] = []
    elif choice == "tiers":
        for service in listed(doc, "services"):
            if isinstance(service, dict):
                service["tiers"] = []
    elif choice == "points":
        service = rng.choice(listed(doc, "services")) if listed(doc, "services") else None
        if isinstance(service, dict):
            service["cost_curve"] = {"points": rng.choice([[], [[]], [[0, 0]], [[0]], [[0, 0, 0], [1, 1, 1]]])}
    elif choice == "adjacency_pair":
        doc["adjacency"] = listed(doc, "adjacency") + [rng.choice([[], ["x"], [None, None]])]
    elif choice == "parties_pair":
        doc["incompatible_parties"] = [rng.choice([[], ["LAB"], ["LAB", "LAB"], ["LAB", ""]])]
    elif choice == "all_optional":
        for key in ("distances", "incompatible_parties", "forbidden_pairs", "keep_together", "opt_out", "adjacency"):
            doc[key] = []
    elif choice == "distances":
        doc["distances"] = {}
    else:
        doc["keep_together"] = [{}]
    return doc


def m_duplicate_ids(rng, doc):
    choice = rng.choice(["council", "service", "spend_row", "same_id_other_name", "distance_contradiction",
                         "adjacency_twice", "council_to_itself"])
    councils = dicts(doc, "councils")
    services = dicts(doc, "services")
    rows = dicts(doc, "spend")
    ids = council_ids(doc)
    if choice == "council" and councils:
        doc["councils"].append(copy.deepcopy(rng.choice(councils)))
    elif choice == "service" and services:
        doc["services"].append(copy.deepcopy(rng.choice(services)))
    elif choice == "spend_row" and rows:
        doc["spend"].append(copy.deepcopy(rng.choice(rows)))
    elif choice == "same_id_other_name" and len(councils) >= 2:
        councils[1]["id"] = councils[0]["id"]
    elif choice == "distance_contradiction" and len(ids) >= 2:
        a, b = rng.sample(ids, 2)
        doc["distances"] = listed(doc, "distances") + [{"a": a, "b": b, "km": 5}, {"a": b, "b": a, "km": 6}]
    elif choice == "adjacency_twice" and len(ids) >= 2:
        a, b = rng.sample(ids, 2)
        doc["adjacency"] = listed(doc, "adjacency") + [[a, b], [b, a], [a, b]]
    elif ids:
        a = rng.choice(ids)
        key = rng.choice(["adjacency", "distances", "forbidden_pairs", "keep_together"])
        if key == "adjacency":
            doc[key] = listed(doc, key) + [[a, a]]
        elif key == "distances":
            doc[key] = listed(doc, key) + [{"a": a, "b": a, "km": 0}]
        else:
            entry = {"a": a, "b": a}
            if key == "keep_together" and services:
                entry["service"] = services[0].get("id")
            doc[key] = listed(doc, key) + [entry]
    return doc


def m_unknown_refs(rng, doc):
    ids, sids = council_ids(doc), service_ids(doc)
    a = rng.choice(ids) if ids else "E0"
    s = rng.choice(sids) if sids else "s"
    ghost, ghost_service = "E99999999", "no_such_service"
    choice = rng.choice(["spend_council", "spend_service", "forbidden", "forbidden_service", "keep", "keep_service",
                         "keep_no_service", "opt_out", "opt_out_service", "adjacency", "distances", "objective",
                         "tier", "party"])
    if choice == "spend_council":
        doc.setdefault("spend", []).append({"council": ghost, "service": s, "spend": 1000, "volume": 10})
    elif choice == "spend_service":
        doc.setdefault("spend", []).append({"council": a, "service": ghost_service, "spend": 1000, "volume": 10})
    elif choice == "forbidden":
        doc["forbidden_pairs"] = listed(doc, "forbidden_pairs") + [{"a": a, "b": ghost}]
    elif choice == "forbidden_service":
        doc["forbidden_pairs"] = listed(doc, "forbidden_pairs") + [{"a": a, "b": a + "x", "service": ghost_service}]
    elif choice == "keep":
        doc["keep_together"] = listed(doc, "keep_together") + [{"a": ghost, "b": a, "service": s}]
    elif choice == "keep_service":
        b = rng.choice(ids) if ids else a
        doc["keep_together"] = listed(doc, "keep_together") + [{"a": a, "b": b, "service": ghost_service}]
    elif choice == "keep_no_service":
        b = rng.choice(ids) if ids else a
        doc["keep_together"] = listed(doc, "keep_together") + [{"a": a, "b": b}]
    elif choice == "opt_out":
        doc["opt_out"] = listed(doc, "opt_out") + [{"council": ghost, "service": s}]
    elif choice == "opt_out_service":
        doc["opt_out"] = listed(doc, "opt_out") + [{"council": a, "service": ghost_service}]
    elif choice == "adjacency":
        doc["adjacency"] = listed(doc, "adjacency") + [[a, ghost]]
    elif choice == "distances":
        doc["distances"] = listed(doc, "distances") + [{"a": ghost, "b": a, "km": 3}]
    elif choice == "objective":
        doc["objective"] = rng.choice(["min_cost", "MAX_SAVING", "", "min-groups"])
    elif choice == "tier":
        for service in listed(doc, "services"):
            if isinstance(service, dict):
                service["tiers"] = ["no_such_tier"]
    else:
        doc["incompatible_parties"] = [["NO_SUCH_PARTY", "OTHER"]]
    return doc


def m_identical_coordinates(rng, doc):
    councils = dicts(doc, "councils")
    if len(councils) >= 2:
        a, b = rng.sample(councils, 2)
        b["lat"], b["lon"] = a.get("lat"), a.get("lon")
        if rng.random() < 0.5:
            for c in councils:
                c["lat"], c["lon"] = a.get("lat"), a.get("lon")
        if rng.random() < 0.3:
            for service in listed(doc, "services"):
                if isinstance(service, dict):
                    service["max_distance_km"] = 0
    if rng.random() < 0.2 and councils:
        c = rng.choice(councils)
        c["lat"], c["lon"] = rng.choice([(90, 180), (-90, -180), (0, 0), (90.0000001, 0), (0, 180.0001)])
    return doc


def m_max_members(rng, doc):
    value = rng.choice([2, 64, 64, 65, 1, 0, 2.5, 1e20, 63.9999999])
    for service in listed(doc, "services"):
        if isinstance(service, dict):
            service["max_members"] = value
            if value == 64 and rng.random() < 0.6:
                service.pop("max_distance_km", None)
                service.pop("tiers", None)
                service["contiguous"] = False
    return doc


def m_max_distance_zero(rng, doc):
    for service in listed(doc, "services"):
        if isinstance(service, dict) and rng.random() < 0.8:
            service["max_distance_km"] = rng.choice([0, 0, 1e-300, -0.0])
    return doc


def m_setup_years_tiny(rng, doc):
    for service in listed(doc, "services"):
        if isinstance(service, dict):
            service["setup_years"] = rng.choice([1e-300, 5e-324, 1e-308, 1e-10])
            if rng.random() < 0.5:
                service["setup_cost_per_member"] = rng.choice([1, 250000, 1e10])
    return doc


def concave_points(rng, count, fixed=0.0):
    volume, cost = 0.0, fixed
    slope = rng.uniform(10, 40)
    points = [[0, fixed]]
    for _ in range(count - 1):
        step = rng.uniform(1, 5000)
        volume += step
        cost += slope * step
        points.append([volume, cost])
        slope *= rng.uniform(0.95, 1.0)
    return points


def m_piecewise(rng, doc):
    services = dicts(doc, "services")
    if not services:
        return doc
    kind = rng.choice(["two", "thousand", "thousand", "flat", "nonconcave", "decreasing", "first_nonzero",
                       "repeated_volume", "tiny_step", "huge_fixed", "zero_slope_tail", "equal_slopes"])
    for service in rng.sample(services, k=rng.randint(1, len(services))):
        if kind == "two":
            points = [[0, rng.choice([0, 1000])], [rng.choice([1, 1000, 1e6]), rng.choice([0, 1e5, 1e7])]]
        elif kind == "thousand":
            points = concave_points(rng, 1000, fixed=rng.choice([0, 1e5]))
        elif kind == "flat":
            points = [[0, 1e6], [1e3, 1e6], [1e6, 1e6]]
        elif kind == "nonconcave":
            points = [[0, 0], [100, 100], [200, 500]]
        elif kind == "decreasing":
            points = [[0, 100], [100, 50]]
        elif kind == "first_nonzero":
            points = [[1, 0], [100, 50]]
        elif kind == "repeated_volume":
            points = [[0, 0], [100, 50], [100, 60]]
        elif kind == "tiny_step":
            points = [[0, 0], [5e-324, 1], [1e6, 2]]
        elif kind == "huge_fixed":
            points = [[0, 1e300], [1, 1e300]]
        elif kind == "zero_slope_tail":
            points = [[0, 0], [1e5, 1e6], [1e9, 1e6]]
        else:
            points = [[0, 0], [1, 3], [2, 6], [3, 9], [1e5, 3e5]]
        service["cost_curve"] = {"points": points}
    return doc


def m_deep_nesting(rng, doc):
    depth = rng.choice([150, 199, 200, 201, 1000, 100000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    deep = opener * depth + "1" + closer * depth
    field = rng.choice(["description", "councils", "target", "extra", "whole"])
    if field == "whole":
        return deep.encode()
    text = json.dumps(doc)
    if field == "description":
        return text.replace('"name":', '"description": %s, "name":' % deep, 1).encode()
    if field == "councils":
        return text.replace('"councils": [', '"councils": [%s, ' % deep, 1).encode()
    if field == "target":
        return (text[:-1] + ', "target": %s}' % deep).encode()
    # Unclosed: only openers.
    return (opener * depth).encode()


def m_truncated(rng, doc):
    text = json.dumps(doc, indent=rng.choice([None, 1])).encode()
    cut = rng.randint(0, max(0, len(text) - 1))
    tail = rng.choice([b"", b"\x00", b"\"", b"\\", b"\\u12", b"1e", b"-", b"tru", b"nul"])
    return text[:cut] + tail


def m_non_utf8(rng, doc):
    text = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    junk = rng.choice([b"\xff", b"\xfe\xff", b"\xc3", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                       b"\x80", b"\xe2\x82", b"\xc0\xaf", "Ĺancashire".encode("latin-1", "replace")])
    choice = rng.choice(["in_string", "anywhere", "bom", "utf16", "latin1", "nul", "escape"])
    if choice == "in_string":
        index = text.find(b'"name": "')
        index = index + 9 if index >= 0 else 0
        return text[:index] + junk + text[index:]
    if choice == "anywhere":
        index = rng.randint(0, len(text))
        return text[:index] + junk + text[index:]
    if choice == "bom":
        return b"\xef\xbb\xbf" + text
    if choice == "utf16":
        return json.dumps(doc).encode("utf-16")
    if choice == "latin1":
        councils = doc.get("councils")
        if isinstance(councils, list) and councils and isinstance(councils[0], dict):
            councils[0]["name"] = "Bürnley – Ŵ"
        return json.dumps(doc, ensure_ascii=False).encode("latin-1", "replace")
    if choice == "nul":
        index = rng.randint(0, len(text))
        return text[:index] + b"\x00" + text[index:]
    # Lone surrogate escapes in strings.
    return text.replace(b'"name": "', b'"name": "\\ud800\\udfff\\udc00x', 1)


def m_empty_file(rng, doc):
    return rng.choice([b"", b" ", b"\n", b"null", b"{}", b"[]", b"0", b'""', b"\xef\xbb\xbf"])


def m_directory(rng, doc):
    return Special("directory")


def m_missing_file(rng, doc):
    return Special("missing")


def m_duplicate_keys(rng, doc):
    text = json.dumps(doc)
    choice = rng.choice(["name", "objective", "spend"])
    if choice == "name":
        return text.replace('{"name":', '{"name": "first", "name":', 1).encode()
    if choice == "objective":
        return (text[:-1] + ', "objective": "max_saving", "objective": "min_groups"}').encode()
    return text.replace('"spend": ', '"spend": 1, "spend": ', 1).encode()


def m_strings(rng, doc):
    """Odd strings: very long, unicode, control characters, quotes, empty."""
    councils = dicts(doc, "councils")
    value = rng.choice(["x" * 100000, "", " ", "\u0000", "é\u0301", "🏛️", "\"quoted\"", "a\nb", "\u202e", "%s%n",
                        "../../etc/passwd", "E07000117\u0000"])
    field = rng.choice(["id", "name", "tier", "party"])
    if councils:
        council = rng.choice(councils)
        old = council.get("id")
        council[field] = value
        if field == "id" and rng.random() < 0.5:
            # Keep references consistent: rename everywhere.
            text = json.dumps(doc).replace(json.dumps(old), json.dumps(value))
            return text.encode()
    if rng.random() < 0.3:
        doc["name"] = value
    return doc


def m_keep_together(rng, doc):
    ids, services = council_ids(doc), dicts(doc, "services")
    if len(ids) < 2 or not services:
        return doc
    service = rng.choice(services).get("id")
    choice = rng.choice(["chain", "forbidden", "many", "all"])
    if choice == "chain":
        chain = rng.sample(ids, k=min(len(ids), rng.randint(2, 6)))
        doc["keep_together"] = [{"a": x, "b": y, "service": service} for x, y in zip(chain, chain[1:])]
    elif choice == "forbidden":
        a, b = rng.sample(ids, 2)
        doc["keep_together"] = [{"a": a, "b": b, "service": service}]
        doc["forbidden_pairs"] = listed(doc, "forbidden_pairs") + [{"a": b, "b": a}]
    elif choice == "many":
        pairs = [(x, y) for i, x in enumerate(ids) for y in ids[i + 1:]]
        doc["keep_together"] = [{"a": x, "b": y, "service": service}
                                for x, y in rng.sample(pairs, k=min(len(pairs), rng.randint(1, 8)))]
    else:
        doc["keep_together"] = [{"a": ids[0], "b": y, "service": service} for y in ids[1:]]
    return doc


def m_target(rng, doc):
    choice = rng.choice([{"min_saving": 0}, {"min_saving": 1e15}, {"min_saving_fraction": 0},
                         {"min_saving_fraction": 1}, {"min_saving_fraction": 1e-12}, {"min_saving_fraction": 0.9},
                         {"min_saving": 1, "min_saving_fraction": 0.1}, {}, {"other": 1}, [], "0.018"])
    doc["target"] = choice
    doc["objective"] = rng.choice(["min_groups", "max_saving", "min_groups"])
    if rng.random() < 0.2:
        doc.pop("target", None)
    return doc


def m_numeric_edge(rng, doc):
    """A few numbers set to values that stress arithmetic: subnormal, -0, 2^53+1, huge ints."""
    for _ in range(rng.randint(1, 4)):
        path = pick_path(rng, doc, numeric=True)
        if path:
            set_path(doc, path, rng.choice([5e-324, -0.0, 2.0 ** 53 + 1, 1e-300, 0, 1, 2 ** 64, -2 ** 63, 0.5]))
    return doc


def m_contiguous(rng, doc):
    for service in listed(doc, "services"):
        if isinstance(service, dict):
            service["contiguous"] = rng.choice([True, True, "yes", 1, None])
    if rng.random() < 0.5:
        doc["adjacency"] = rng.choice([[], [["a", "b", "c"]], [{"a": 1}], "none"])
    return doc


def m_unknown_field(rng, doc):
    where = rng.choice(["top", "council", "service", "spend", "curve"])
    if where == "top":
        doc["extra_field"] = 1
    elif where == "council" and dicts(doc, "councils"):
        rng.choice(dicts(doc, "councils"))["populaton"] = 5
    elif where == "service" and dicts(doc, "services"):
        rng.choice(dicts(doc, "services"))["max_member"] = 3
    elif where == "spend" and dicts(doc, "spend"):
        rng.choice(dicts(doc, "spend"))["cost"] = 3
    elif dicts(doc, "services"):
        rng.choice(dicts(doc, "services"))["cost_curve"] = rng.choice([
            {"power": {"scale": 1, "exponent": 0.9}, "points": [[0, 0], [1, 1]]}, {"linear": 1},
            {"power": {"scale": 1}}, {"power": {"scale": 1, "exponent": 1.5}}, {"power": {"scale": 1, "exponent": 0}},
            {"power": {"scale": 0, "exponent": 0.5}}, {"power": [1, 0.9]}, {}])
    return doc


def m_many_councils(rng, doc):
    """Scale the instance up: copies of the councils nearby (3-30 copies, up to ~450
    councils, densely packed), so that time limits matter."""
    councils = dicts(doc, "councils")
    if not councils:
        return doc
    copies = rng.choice([3, 5, 8, 15, 30])
    new_councils, new_rows = [], []
    for k in range(1, copies):
        for c in councils:
            d = dict(c)
            d["id"] = "%s_%d" % (c.get("id"), k)
            if isinstance(d.get("lat"), (int, float)):
                d["lat"] = d["lat"] + rng.uniform(-0.3, 0.3)
            new_councils.append(d)
        for row in listed(doc, "spend"):
            if isinstance(row, dict):
                r = dict(row)
                r["council"] = "%s_%d" % (row.get("council"), k)
                new_rows.append(r)
    doc["councils"] = councils + new_councils
    doc["spend"] = listed(doc, "spend") + new_rows
    if rng.random() < 0.5:
        for service in listed(doc, "services"):
            if isinstance(service, dict):
                service["max_members"] = rng.choice([8, 16, 64])
                service.pop("max_distance_km", None)
    if rng.random() < 0.5:
        doc["target"] = {"min_saving_fraction": 0.01}
        doc["objective"] = "min_groups"
    return doc


def m_at_limits(rng, doc):
    """Values at (or just past) the documented input limits: money, volume and
    curve values 1e13, distances 1e5 km, setup_years 0.01 / 1000, 64 members."""
    edge = rng.choice([1e13, 1e13, 9.999999999999e12, 1.0000000000000002e13, 1e-13, 5e-324])
    rows = dicts(doc, "spend")
    services = dicts(doc, "services")
    councils = dicts(doc, "councils")
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["spend", "volume", "scale", "points", "km", "max_km", "setup_years", "setup_cost",
                           "distance_cost", "members", "fraction", "target", "controllable", "population"])
        if kind in ("spend", "volume") and rows:
            for row in (rows if rng.random() < 0.5 else rng.sample(rows, 1)):
                row[kind] = edge
        elif kind == "scale" and services:
            rng.choice(services)["cost_curve"] = {"power": {"scale": rng.choice([1e13, 1e-13, 5e-324]),
                                                            "exponent": rng.choice([1, 0.5, 1e-9, 5e-324])}}
        elif kind == "points" and services:
            rng.choice(services)["cost_curve"] = {"points": rng.choice([
                [[0, 0], [1e13, 1e13]], [[0, 1e13], [1e13, 1e13]], [[0, 0], [5e-324, 1e13], [1e13, 1e13]],
                [[0, 0], [1, 1e13], [1e13, 1e13]]])}
        elif kind == "km":
            ids = council_ids(doc)
            if len(ids) >= 2:
                doc["distances"] = [{"a": a, "b": b, "km": rng.choice([1e5, 100000.00000000001, 0])}
                                    for a, b in zip(ids, ids[1:])]
        elif kind == "max_km" and services:
            for service in services:
                service["max_distance_km"] = rng.choice([1e5, 0, 100000.00000000001])
        elif kind == "setup_years" and services:
            for service in services:
                service["setup_years"] = rng.choice([0.01, 1000, 0.009999999, 1000.0000001])
        elif kind == "setup_cost" and services:
            for service in services:
                service["setup_cost_per_member"] = rng.choice([1e13, 0])
        elif kind == "distance_cost" and services:
            for service in services:
                service["distance_cost_per_km"] = rng.choice([1e13, 0])
        elif kind == "members" and services:
            for service in services:
                service["max_members"] = 64
                service.pop("max_distance_km", None)
        elif kind == "fraction":
            doc["min_group_saving_fraction"] = rng.choice([0.999999999, 1 - 2 ** -53, 1e-300])
        elif kind == "target":
            doc["target"] = rng.choice([{"min_saving": 1e13}, {"min_saving": 1e-300}, {"min_saving_fraction": 1}])
            if rng.random() < 0.5:
                doc["objective"] = "min_groups"
        elif kind in ("controllable", "population"):
            for council in councils:
                council["controllable_spend" if kind == "controllable" else "population"] = edge
    return doc


MUTATIONS = [
    ("delete_field", m_delete_field),
    ("change_type", m_change_type),
    ("nan_string", m_nan_string),
    ("nan_literal", m_nan_literal),
    ("huge_numbers", m_huge_numbers),
    ("negative", m_negative),
    ("zero_volume", m_zero_volume),
    ("zero_spend", m_zero_spend),
    ("empty_lists", m_empty_lists),
    ("duplicate_ids", m_duplicate_ids),
    ("unknown_refs", m_unknown_refs),
    ("identical_coordinates", m_identical_coordinates),
    ("max_members", m_max_members),
    ("max_distance_zero", m_max_distance_zero),
    ("setup_years_tiny", m_setup_years_tiny),
    ("piecewise", m_piecewise),
    ("deep_nesting", m_deep_nesting),
    ("truncated", m_truncated),
    ("non_utf8", m_non_utf8),
    ("empty_file", m_empty_file),
    ("directory", m_directory),
    ("missing_file", m_missing_file),
    ("duplicate_keys", m_duplicate_keys),
    ("strings", m_strings),
    ("keep_together", m_keep_together),
    ("target", m_target),
    ("numeric_edge", m_numeric_edge),
    ("contiguous", m_contiguous),
    ("unknown_field", m_unknown_field),
    ("many_councils", m_many_councils),
    ("at_limits", m_at_limits),
]
# Relative weights in random chains (default 1): scaling up is slow to run.
WEIGHTS = {"many_councils": 0.25}
# Mutations that end the chain (they produce bytes or a special path).
TERMINAL = {"nan_literal", "deep_nesting", "truncated", "non_utf8", "empty_file", "directory", "missing_file",
            "duplicate_keys"}


# --------------------------------------------------------------------------
# Plan mutations, for `check`.


def mutate_plan(rng, plan_text, doc):
    choice = rng.choice(["truncate", "unknown_council", "unknown_service", "duplicate_group", "huge_saving",
                         "nan_saving", "empty", "not_object", "members_numbers", "host_outside", "single_member",
                         "deep", "non_utf8", "directory"])
    if choice == "directory":
        return choice, Special("directory")
    if choice == "truncate":
        cut = rng.randint(0, max(0, len(plan_text) - 1))
        return choice, plan_text[:cut].encode()
    if choice == "empty":
        return choice, b""
    if choice == "not_object":
        return choice, rng.choice([b"[]", b"null", b"1", b'"plan"'])
    if choice == "deep":
        return choice, (b"[" * 100000)
    if choice == "non_utf8":
        return choice, b'{"services": [{"id": "\xff", "groups": []}]}'
    try:
        plan = strict_loads(plan_text)
    except ValueError:
        plan = {"services": []}
    if not isinstance(plan, dict):
        plan = {"services": []}
    services = plan.setdefault("services", [])
    ids = council_ids(doc) or ["E0"]
    sids = service_ids(doc) or ["s"]
    if not services:
        services.append({"id": rng.choice(sids), "groups": []})
    service = rng.choice(services)
    groups = service.setdefault("groups", []) if isinstance(service, dict) else []
    if choice == "unknown_council":
        groups.append({"host": "E99999999", "members": ["E99999999", rng.choice(ids)], "saving": 1})
    elif choice == "unknown_service":
        services.append({"id": "no_such_service", "groups": []})
    elif choice == "duplicate_group" and groups:
        groups.append(copy.deepcopy(groups[0]))
    elif choice == "huge_saving":
        plan["total_saving"] = 1e308
        for g in groups:
            g["saving"] = 1e308
    elif choice == "nan_saving":
        return choice, json.dumps(plan).replace('"total_saving": ', '"total_saving": NaN, "x": ', 1).encode()
    elif choice == "members_numbers":
        groups.append({"host": ids[0], "members": [1, 2]})
    elif choice == "host_outside" and len(ids) >= 3:
        groups.append({"host": ids[0], "members": [ids[1], ids[2]]})
    else:
        groups.append({"host": ids[0], "members": [ids[0]]})
    return choice, json.dumps(plan).encode()


# --------------------------------------------------------------------------
# Running


class Runner:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.work = tempfile.mkdtemp(prefix="councilshare-fuzz-")
        self.lock = threading.Lock()
        self.failures = []
        self.exit_counts = {}
        self.mutation_counts = {}
        self.slowest = []

    def run(self, command, label):
        start = time.monotonic()
        try:
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WALL_LIMIT,
                                  stdin=subprocess.DEVNULL)
            code, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as error:
            code, out, err = "timeout", error.stdout or b"", error.stderr or b""
        seconds = time.monotonic() - start
        with self.lock:
            key = "%s:%s" % (label, code)
            self.exit_counts[key] = self.exit_counts.get(key, 0) + 1
            self.slowest.append((seconds, label, " ".join(command)))
            self.slowest.sort(reverse=True)
            del self.slowest[10:]
        return code, out, err, seconds

    def materialise(self, folder, name, content):
        """Writes `content` (dict, bytes or Special) under `folder`; returns the path to pass."""
        path = os.path.join(folder, name)
        if isinstance(content, Special):
            if content.kind == "directory":
                os.makedirs(path, exist_ok=True)
            return path  # "missing": never created
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def case(self, index, base_name, base_doc, base_plan, chain, rng):
        folder = os.path.join(self.work, "case-%05d" % index)
        os.makedirs(folder, exist_ok=True)
        content = copy.deepcopy(base_doc)
        applied = []
        for name, function in chain:
            applied.append(name)
            before = copy.deepcopy(content)
            try:
                content = function(rng, content)
            except (TypeError, AttributeError, KeyError, IndexError, ValueError):
                # An earlier mutation changed the shape this one expects: skip it.
                content = before
                applied[-1] += "(skipped)"
            if not isinstance(content, dict):
                break
        instance = self.materialise(folder, "instance.json", content)
        problems, transcript = [], []

        bad_runs = []

        def judge(label, command, allowed, code, out, err, seconds):
            text_out = out.decode("utf-8", "replace")
            text_err = err.decode("utf-8", "replace")
            before = len(problems)
            transcript.append("$ %s\nexit %s after %.2f s\n--- stdout (first 4000 chars)\n%s\n--- stderr\n%s\n"
                              % (" ".join(command), code, seconds, text_out[:4000], text_err[:4000]))
            if code == "timeout":
                problems.append("%s: ran over %d s" % (label, WALL_LIMIT))
            elif code < 0:
                problems.append("%s: killed by signal %d" % (label, -code))
            elif code not in allowed:
                problems.append("%s: exit code %d" % (label, code))
            if code != "timeout" and label == "solve" and seconds > self.args.time_limit + self.args.overrun:
                problems.append("%s: ended %.1f s after its --time-limit %g" % (label, seconds - self.args.time_limit,
                                                                               self.args.time_limit))
            for stream, text in (("stdout", text_out), ("stderr", text_err)):
                match = GLPK_PATTERNS.search(text)
                if match:
                    problems.append("%s: GLPK message on %s: %r" % (label, stream, match.group(0)))
            if len(problems) > before:
                bad_runs.append((" ".join(command), code, text_err.strip().splitlines()[:3]))
            return text_out

        def check_own_plan(label, text, name):
            """Strict JSON, plan shape, and `check` of a plan printed by a solve that exited 0."""
            try:
                plan = strict_loads(text)
            except ValueError as error:
                problems.append("%s: exit 0 but stdout is not valid JSON (%s)" % (label, error))
                bad_runs.append(("(parse stdout of %s)" % label, 0, [str(error)]))
                return None
            shape = plan_shape_problems(plan)
            if shape:
                problems.append("%s: exit 0 but the plan is malformed: %s" % (label, "; ".join(shape[:5])))
            path = self.materialise(folder, name, text.encode())
            command = [self.binary, "check", instance, path]
            code, out, err, seconds = self.run(command, "check")
            judge("check of %s's plan" % label, command, CHECK_OK, code, out, err, seconds)
            if code != 0 and code != "timeout":
                problems.append("check: the plan of %s fails check (exit %s): %s"
                                % (label, code, (out + err).decode("utf-8", "replace").strip().splitlines()[:3]))
                bad_runs.append((" ".join(command), code, (out + err).decode("utf-8", "replace").strip().splitlines()[:3]))
            return path

        solve = [self.binary, "solve", instance, "--time-limit", str(self.args.time_limit), "--format", "json"]
        code, out, err, seconds = self.run(solve, "solve")
        solve_out = judge("solve", solve, SOLVE_OK, code, out, err, seconds)

        plan_content, plan_note = None, ""
        if code == 0 and check_own_plan("solve", solve_out, "plan.json"):
            plan_content, plan_note = solve_out.encode(), "own plan"
        if plan_content is None:
            # `check` of the unmutated base's plan against the mutated instance.
            plan_content = base_plan.encode()
            plan_note = "base plan (%s)" % base_name
            plan_path = self.materialise(folder, "plan.json", plan_content)
            check = [self.binary, "check", instance, plan_path]
            code_c, out_c, err_c, seconds_c = self.run(check, "check")
            judge("check", check, CHECK_OK, code_c, out_c, err_c, seconds_c)

        # Now and then, a mutated plan as well.
        plan_mutation = None
        if rng.random() < self.args.plan_mutation_rate:
            plan_mutation, mutated = mutate_plan(rng, plan_content.decode("utf-8", "replace"),
                                                 content if isinstance(content, dict) else base_doc)
            mutated_path = self.materialise(folder, "plan-mutated.json", mutated)
            check2 = [self.binary, "check", instance, mutated_path]
            code2, out2, err2, seconds2 = self.run(check2, "check-mutated-plan")
            judge("check (plan mutation %s)" % plan_mutation, check2, CHECK_OK, code2, out2, err2, seconds2)

        # Now and then, a valid instance solved again under a very short time limit
        # (stops land in every stage of the search).
        short_limit = None
        if code in (0, 3, 4) and rng.random() < self.args.short_limit_rate:
            short_limit = rng.choice(SHORT_LIMITS)
            short = [self.binary, "solve", instance, "--time-limit", repr(short_limit), "--format", "json"]
            code_s, out_s, err_s, seconds_s = self.run(short, "solve-short")
            label = "solve --time-limit %r" % short_limit
            text_s = judge(label, short, SOLVE_OK, code_s, out_s, err_s, seconds_s)
            if code_s == 0:
                check_own_plan(label, text_s, "plan-short.json")

        with self.lock:
            if short_limit is not None:
                self.mutation_counts["short-limit"] = self.mutation_counts.get("short-limit", 0) + 1
            for name in applied:
                self.mutation_counts[name] = self.mutation_counts.get(name, 0) + 1
            if plan_mutation:
                key = "plan:" + plan_mutation
                self.mutation_counts[key] = self.mutation_counts.get(key, 0) + 1
        if problems:
            target = os.path.join(self.args.out, "case-%05d" % index)
            if os.path.exists(target):
                shutil.rmtree(target)
            shutil.copytree(folder, target, symlinks=True)
            # Commands name the saved copies, so that they can be re-run as printed.
            transcript = [entry.replace(folder, target) for entry in transcript]
            bad_runs = [(command.replace(folder, target), code, stderr) for command, code, stderr in bad_runs]
            with open(os.path.join(target, "transcript.txt"), "w") as handle:
                handle.write("case %d, base %s, mutations %s%s%s\nplan for check: %s\nproblems:\n  %s\n\n%s"
                             % (index, base_name, "+".join(applied),
                                (", plan mutation " + plan_mutation) if plan_mutation else "",
                                (", short time limit %r" % short_limit) if short_limit is not None else "",
                                plan_note, "\n  ".join(problems), "\n".join(transcript)))
            with self.lock:
                self.failures.append({
                    "case": index, "base": base_name, "mutations": applied, "plan_mutation": plan_mutation,
                    "short_limit": short_limit, "problems": problems, "folder": target, "runs": bad_runs,
                })
        shutil.rmtree(folder, ignore_errors=True)


def generated_base(binary, seed):
    out = subprocess.run([binary, "generate", "--councils", "12", "--services", "3", "--seed", str(seed)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WALL_LIMIT, check=True).stdout
    return json.loads(out)


def solve_plan(binary, path, time_limit):
    proc = subprocess.run([binary, "solve", path, "--time-limit", str(time_limit), "--format", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WALL_LIMIT)
    return proc.stdout.decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=DEFAULT_BINARY, help="councilshare binary (default: %(default)s)")
    parser.add_argument("--cases", type=int, default=3000, help="number of cases (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default: %(default)s)")
    parser.add_argument("--generated", type=int, default=6, help="generated base instances (default: %(default)s)")
    parser.add_argument("--time-limit", type=float, default=5, help="solve --time-limit (default: %(default)s)")
    parser.add_argument("--overrun", type=float, default=1.0,
                        help="seconds past --time-limit after which a solve fails (default: %(default)s)")
    parser.add_argument("--plan-mutation-rate", type=float, default=0.3,
                        help="share of cases that also check a mutated plan (default: %(default)s)")
    parser.add_argument("--short-limit-rate", type=float, default=0.3,
                        help="share of valid instances also solved with a time limit of 0.005-1 s (default: %(default)s)")
    parser.add_argument("--out", default="/tmp/fuzz-failures", help="where failing inputs go (default: %(default)s)")
    parser.add_argument("--only", help="comma-separated mutation names to use (default: all)")
    args = parser.parse_args()

    if not os.access(args.binary, os.X_OK):
        sys.exit("no binary at %s; build it with: swift build -c release --scratch-path .build-soak" % args.binary)
    os.makedirs(args.out, exist_ok=True)
    runner = Runner(args)

    # Bases and their unmutated plans (the plan given to `check` when a solve fails).
    bases = []
    with open(LANCASHIRE) as handle:
        bases.append(("lancashire-2025", json.load(handle)))
    for seed in range(1, args.generated + 1):
        bases.append(("generated-12x3-seed%d" % seed, generated_base(runner.binary, seed)))
    plans = {}
    for name, doc in bases:
        path = os.path.join(runner.work, "base-%s.json" % name)
        with open(path, "w") as handle:
            json.dump(doc, handle)
        plans[name] = solve_plan(runner.binary, path, args.time_limit)

    mutations = MUTATIONS
    if args.only:
        wanted = set(args.only.split(","))
        mutations = [m for m in MUTATIONS if m[0] in wanted]
    # Case i: the first len(mutations) * len(bases) cases give each mutation alone
    # on each base (round robin); the rest chain 1-3 random mutations.
    plan_of_cases = []
    for index in range(args.cases):
        rng = random.Random("%d-%d" % (args.seed, index))
        if index < len(mutations) * len(bases):
            chain = [mutations[index % len(mutations)]]
            base = bases[(index // len(mutations)) % len(bases)]
        else:
            base = bases[0] if rng.random() < 0.4 else rng.choice(bases[1:] or bases)
            weights = [WEIGHTS.get(m[0], 1.0) for m in mutations]
            chain = rng.choices(mutations, weights=weights, k=rng.choice([1, 1, 2, 3]))
            # Terminal mutations go last (they end the chain).
            chain.sort(key=lambda m: m[0] in TERMINAL)
        plan_of_cases.append((index, base, chain, rng))

    start = time.monotonic()
    done = [0]

    def work(item):
        index, (name, doc), chain, rng = item
        try:
            runner.case(index, name, doc, plans[name], chain, rng)
        except Exception as error:  # the fuzzer's own bug: report, do not hide
            with runner.lock:
                runner.failures.append({"case": index, "base": name, "mutations": [m[0] for m in chain],
                                        "plan_mutation": None, "short_limit": None,
                                        "problems": ["fuzzer error: %r" % error], "folder": "", "runs": []})
        with runner.lock:
            done[0] += 1
            if done[0] % 200 == 0:
                print("fuzz: %d/%d cases, %d failures, %.0f s" % (done[0], args.cases, len(runner.failures),
                                                                  time.monotonic() - start), flush=True)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(work, plan_of_cases))
    elapsed = time.monotonic() - start

    lines = ["fuzz summary: %d cases (seed %d) in %.0f s, %d failing" % (args.cases, args.seed, elapsed,
                                                                         len(runner.failures))]
    lines.append("exit codes: " + ", ".join("%s x%d" % (k, v) for k, v in sorted(runner.exit_counts.items())))
    lines.append("mutations: " + ", ".join("%s x%d" % (k, v) for k, v in sorted(runner.mutation_counts.items())))
    lines.append("slowest runs: " + "; ".join("%.1f s %s" % (s, label) for s, label, _ in runner.slowest[:5]))
    for failure in sorted(runner.failures, key=lambda f: f["case"]):
        lines.append("")
        lines.append("case %d [%s] %s%s%s -> %s" % (
            failure["case"], failure["base"], "+".join(failure["mutations"]),
            (" plan:" + failure["plan_mutation"]) if failure["plan_mutation"] else "",
            (" short-limit:%r" % failure["short_limit"]) if failure["short_limit"] is not None else "",
            failure["folder"]))
        for problem in failure["problems"]:
            lines.append("  " + problem)
        for command, code, stderr in failure["runs"]:
            lines.append("  $ %s" % command)
            lines.append("    exit %s; stderr: %s" % (code, " | ".join(stderr)))
    summary = "\n".join(lines)
    print(summary)
    with open(os.path.join(args.out, "summary.txt"), "w") as handle:
        handle.write(summary + "\n")
    shutil.rmtree(runner.work, ignore_errors=True)
    sys.exit(1 if runner.failures else 0)


if __name__ == "__main__":
    main()
