#!/usr/bin/env python3
"""The catalog the console benchmark publishes: Wuhua's, with the benchmark's 100 communities
(ten per street office, 530102OOO001-010) and 20 departments (dept_01-dept_20) added, so that
accounts of those scopes can be made and every case of the filled store is inside the catalog.
Usage: console_catalog.py SOURCE.json > OUT.json"""
import json
import sys

catalog = json.load(open(sys.argv[1], encoding="utf-8"))
known = {c["code"] for c in catalog["communities"]}
for office in range(1, 11):
    for n in range(1, 11):
        code = "530102%03d%03d" % (office, n)
        if code not in known:
            catalog["communities"].append({
                "code": code,
                "name": {"zh": "测试社区%03d-%02d" % (office, n), "en": "Bench community %d-%d" % (office, n)},
                "street_office": "530102%03d" % office,
                "kind": "urban"})
sources = [s["id"] for s in catalog["whistle_sources"]]
for d in range(1, 21):
    catalog["departments"].append({
        "id": "dept_%02d" % d,
        "name": {"zh": "测试部门%02d" % d, "en": "Bench department %d" % d},
        "sources": sources[:2]})
json.dump(catalog, sys.stdout, ensure_ascii=False, indent=1)
