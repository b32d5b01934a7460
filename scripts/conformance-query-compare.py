#!/usr/bin/env python3
"""Compare `cairn spec query -O json` with cached `rpmspec -q` output (see conformance-query).

Usage: conformance-query-compare.py ORACLE_CACHE OURS_JSON

A spec agrees when every field rpmspec reports matches: the list of binary packages (names in
order), each package's epoch, version, release, arch and its Provides, Requires, Conflicts,
Obsoletes, Recommends, Suggests, Supplements, Enhances and OrderWithRequires (as multisets of
`name [op evr]`), and the source package's name, epoch, version, release, BuildRequires,
BuildConflicts, Source and Patch file names, ExclusiveArch and ExcludeArch, and (when the
python3-rpm oracle ran) the Source/Patch listing: every number and expanded value that
`rpm.spec(path).sources` (spectool's data) reports. Only specs that rpmspec parses are
compared; specs only cairn fails on count as disagreements. Exits 1 below 99.5% agreement.
"""
import collections
import json
import os
import sys

DEP_KEYS = {"P": "provides", "R": "requires", "C": "conflicts", "O": "obsoletes",
            "RC": "recommends", "SG": "suggests", "SP": "supplements", "EN": "enhances",
            "OR": "order_with_requires"}


def parse_oracle(text, marker):
    records = []
    for line in text.splitlines():
        if line.startswith(marker + " "):
            fields = line[len(marker) + 1:].split("\t")
            records.append({"head": fields, "lists": collections.defaultdict(list)})
        elif records and " " in line:
            key, value = line.split(" ", 1)
            records[-1]["lists"][key].append(value)
    return records


def dep_text(dep):
    text = dep["name"]
    if dep.get("comparison"):
        op = {"less": "<", "less-or-equal": "<=", "equal": "=", "greater-or-equal": ">=",
              "greater": ">"}[dep["comparison"]]
        text += f" {op} {dep['version']}"
    return text


def epoch_text(epoch):
    return "(none)" if epoch is None else str(epoch)


def load_spectool(cache):
    """The python3-rpm Source/Patch oracle: name -> {(kind, number): value}, or None."""
    path = f"{cache}/spectool.jsonl"
    if not os.path.exists(path):
        return None
    listings = {}
    for line in open(path, errors="replace"):
        record = json.loads(line)
        if "sources" in record:
            # rpm's flags: RPMBUILD_ISSOURCE 1, RPMBUILD_ISPATCH 2.
            listings[record["name"]] = {
                ("patch" if flags & 2 else "source", number): value
                for value, number, flags in record["sources"]}
    return listings


def our_listing(spec):
    listing = {}
    for kind, field in (("source", "sources"), ("patch", "patches")):
        for entry in spec["source"][field]:
            listing[(kind, entry["number"])] = entry["location"]
    return listing


def compare(name, cache, ours, spectool):
    """Returns a list of (category, detail) disagreements."""
    problems = []
    binary = parse_oracle(open(f"{cache}/out/{name}.bin", errors="replace").read(), "@@PKG")
    source = parse_oracle(open(f"{cache}/out/{name}.src", errors="replace").read(), "@@SRC")
    if ours.get("error"):
        return [("cairn fails", ours["error"])]
    spec = ours["spec"]
    packages = spec["packages"]
    oracle_names = [r["head"][0] for r in binary]
    our_names = [p["name"] for p in packages]
    if oracle_names != our_names:
        return [("packages", f"rpm {oracle_names} cairn {our_names}")]
    for record, package in zip(binary, packages):
        n, e, v, r, a = record["head"][:5]
        if (e, v, r) != (epoch_text(package["epoch"]), package["version"], package["release"]):
            problems.append(("epoch/version/release", f"{n}: rpm {e}:{v}-{r} cairn "
                             f"{epoch_text(package['epoch'])}:{package['version']}-{package['release']}"))
        if a != package["arch"]:
            problems.append(("arch", f"{n}: rpm {a} cairn {package['arch']}"))
        for key, field in DEP_KEYS.items():
            want = sorted(record["lists"].get(key, []))
            # The oracle prints only ORDERNAME (rpm 4.18 has no ORDERNEVRS tag).
            have = sorted(d["name"] if key == "OR" else dep_text(d) for d in package[field])
            if want != have:
                missing = sorted((collections.Counter(want) - collections.Counter(have)).elements())
                extra = sorted((collections.Counter(have) - collections.Counter(want)).elements())
                problems.append((field, f"{n}: missing {missing[:4]} extra {extra[:4]}"))
    if source:
        record = source[0]
        n, e, v, r = record["head"][:4]
        src = spec["source"]
        if (n, e, v, r) != (src["name"], epoch_text(src["epoch"]), src["version"], src["release"]):
            problems.append(("source nevr", f"rpm {n} {e}:{v}-{r}"))
        checks = [
            ("build_requires", "R", sorted(dep_text(d) for d in src["build_requires"])),
            ("build_conflicts", "C", sorted(dep_text(d) for d in src["build_conflicts"])),
            ("sources", "S", sorted(s["file_name"] for s in src["sources"])),
            ("patches", "PA", sorted(s["file_name"] for s in src["patches"])),
            ("exclusive_arch", "XA", sorted(src["exclusive_arch"])),
            ("exclude_arch", "XE", sorted(src["exclude_arch"])),
        ]
        for field, key, have in checks:
            want = sorted(record["lists"].get(key, []))
            if want != have:
                missing = sorted((collections.Counter(want) - collections.Counter(have)).elements())
                extra = sorted((collections.Counter(have) - collections.Counter(want)).elements())
                problems.append((field, f"missing {missing[:4]} extra {extra[:4]}"))
    if spectool is not None and name in spectool:
        want, have = spectool[name], our_listing(spec)
        if want != have:
            missing = sorted(f"{k}{n}: {v}" for (k, n), v in want.items() if have.get((k, n)) != v)
            extra = sorted(f"{k}{n}: {v}" for (k, n), v in have.items() if want.get((k, n)) != v)
            problems.append(("sources listing", f"missing {missing[:3]} extra {extra[:3]}"))
    return problems


def main():
    cache, ours_path = sys.argv[1], sys.argv[2]
    ours = {os.path.basename(r["path"])[:-5]: r for r in json.load(open(ours_path))}
    spectool = load_spectool(cache)
    compared = agreed = rpm_failed = both_failed = only_cairn_ok = 0
    categories = collections.Counter()
    examples = collections.defaultdict(list)
    report = []
    for name in sorted(ours):
        rc_path = f"{cache}/out/{name}.rc"
        if not os.path.exists(rc_path):
            continue
        if open(rc_path).read().strip() != "0":
            rpm_failed += 1
            if ours[name].get("error"):
                both_failed += 1
            else:
                only_cairn_ok += 1
            continue
        compared += 1
        problems = compare(name, cache, ours[name], spectool)
        if not problems:
            agreed += 1
            continue
        seen = set()
        for category, detail in problems:
            if category not in seen:
                categories[category] += 1
                seen.add(category)
            examples[category].append(f"{name}: {detail}")
            report.append(f"{category}\t{name}\t{detail}")
    with open(f"{cache}/report.txt", "w") as f:
        f.write("\n".join(report) + "\n")
    print(f"specs: {len(ours)}; rpmspec parses {compared}, fails on {rpm_failed} "
          f"(cairn fails on {both_failed} of those too, evaluates {only_cairn_ok})")
    percent = 100.0 * agreed / compared if compared else 0.0
    print(f"agreement with rpmspec -q on the {compared} specs it parses: {agreed} ({percent:.2f}%)")
    for category, count in categories.most_common():
        print(f"  {count:5d} specs differ in {category}")
        for example in examples[category][:3]:
            print(f"          {example[:300]}")
    print(f"full list: {cache}/report.txt")
    print(f"query: {agreed} passed, {compared - agreed} failed")
    # The bar of the task (issue 4): 99.5% of the specs rpmspec parses.
    if percent < 99.5:
        sys.exit(1)


if __name__ == "__main__":
    main()
