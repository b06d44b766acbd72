"""Parses a metrics exposition with the Prometheus project's own Python client and prints its families as JSON.

usage: prometheus-parse.py (prometheus|openmetrics) FILE
The OpenMetrics parser is strict: anything the standard does not allow (no '# EOF', a bad name, a sample out of its
family) raises, and this exits non-zero with the parser's message on stderr.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families as prometheus_families
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families


def value(v):
    return "+Inf" if v == math.inf else "-Inf" if v == -math.inf else "NaN" if v != v else v


def main():
    form, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parse = openmetrics_families if form == "openmetrics" else prometheus_families
    families = []
    for family in parse(text):
        families.append({
            "name": family.name,
            "type": family.type,
            "unit": getattr(family, "unit", ""),
            "help": family.documentation,
            "samples": [{"name": s.name, "labels": dict(s.labels), "value": value(s.value)} for s in family.samples],
        })
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
