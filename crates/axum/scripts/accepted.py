"""The accepted share per operation of a schemathesis run, from its NDJSON report.

    python3 accepted.py REPORT.ndjson

Counts every request schemathesis sent (all phases), and among them the positive ones (data
that fits the document, sent with the actor header): how many were answered 2xx. As
schemathesis's own accepted rate, a 401 (a case that left the actor header out, for the
`ignored_auth` check) says nothing about the data and is left out of the positive count.
Prints a Markdown table.

    python3 accepted.py REPORT.ndjson --require-majority

also fails (exit 1) unless more than half of the positive requests were accepted on every
operation the actor may call: every operation whose positive requests were not all refused
with 403 (an operation the actor may never call, such as `authorize` for the marketplace,
which is not a user of the account).
"""
import collections
import json
import sys

totals = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    finished = event.get("ScenarioFinished")
    if not finished:
        continue
    recorder = finished["recorder"]
    label = recorder["label"]
    for case_id, interaction in recorder["interactions"].items():
        response = interaction.get("response")
        if response is None:
            continue
        case = recorder["cases"].get(case_id, {}).get("value", {})
        mode = (case.get("meta") or {}).get("generation", {}).get("mode")
        ok = 200 <= response["status_code"] < 300
        counts = totals[label]
        counts["all"] += 1
        counts["all_ok"] += ok
        if mode == "positive" and response["status_code"] != 401:
            counts["positive"] += 1
            counts["positive_ok"] += ok
            counts["positive_403"] += response["status_code"] == 403
        counts[response["status_code"]] += 1

print("| operation | requests | 2xx | positive (schema-valid) | of them 2xx | statuses |")
print("|---|---|---|---|---|---|")
for label in sorted(totals):
    c = totals[label]
    share = lambda ok, n: f"{ok} ({ok / n:.0%})" if n else "—"
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted((k, v) for k, v in c.items() if isinstance(k, int)))
    print(f"| `{label}` | {c['all']} | {share(c['all_ok'], c['all'])} | {c['positive']} | {share(c['positive_ok'], c['positive'])} | {statuses} |")

if "--require-majority" in sys.argv[2:]:
    short = []
    for label in sorted(totals):
        c = totals[label]
        if c["positive"] == 0 or c["positive"] == c["positive_403"]:
            continue  # never allowed to this actor: nothing to accept
        if 2 * c["positive_ok"] <= c["positive"]:
            short.append(f"{label}: {c['positive_ok']} of {c['positive']}")
    if short:
        print("a majority of positive requests must be accepted; not on: " + "; ".join(short))
        sys.exit(1)
    print("a majority of positive requests accepted on every operation the actor may call")
