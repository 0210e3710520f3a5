// Outlines drawn on the Leaflet maps without a base map: the départements of metropolitan
// France, and the communes of a département loaded on demand. Both come from the server,
// which computes them from the imported contours (GET /api/v1/map/outlines/…, see
// src/api/map_api.hpp); nothing is fetched from outside.
import L from 'leaflet';

import { apiFetch } from './api';

export interface OutlineProperties {
  code: string;
  name: string;
  departement?: string;
}

export interface DepartementOutline {
  code: string;
  name: string;
  bounds: L.LatLngBounds;
}

// Draws the département outlines on `map` and returns each one's code, name and bounds;
// an empty list when the server has none (the map then works without them).
export async function drawDepartements(map: L.Map, options: L.GeoJSONOptions): Promise<DepartementOutline[]> {
  let outlines: GeoJSON.FeatureCollection;
  try {
    outlines = await apiFetch<GeoJSON.FeatureCollection>('/api/v1/map/outlines/departements.geojson');
  } catch {
    return [];
  }
  const departements: DepartementOutline[] = [];
  const layer = L.geoJSON(outlines, options);
  layer.eachLayer((each) => {
    const feature = (each as L.Polygon).feature as GeoJSON.Feature<GeoJSON.Geometry, OutlineProperties> | undefined;
    if (feature) departements.push({ code: feature.properties.code, name: feature.properties.name, bounds: (each as L.Polygon).getBounds() });
  });
  layer.addTo(map);
  return departements;
}

// The communes of the départements asked for, each département fetched once and drawn as
// one GeoJSON layer with `options`.
export class CommuneOutlines {
  private readonly pending = new Map<string, Promise<L.GeoJSON | null>>();
  private readonly drawn = new Map<string, L.GeoJSON>();
  private visible = true;

  constructor(
    private readonly map: L.Map,
    private readonly options: L.GeoJSONOptions,
  ) {}

  // Resolves with the département's layer once drawn, null when the server has no
  // outlines for it.
  load(departement: string): Promise<L.GeoJSON | null> {
    let layer = this.pending.get(departement);
    if (!layer) {
      layer = apiFetch<GeoJSON.FeatureCollection>(`/api/v1/map/outlines/communes/${encodeURIComponent(departement)}.geojson`)
        .then((outlines) => {
          const drawn = L.geoJSON(outlines, this.options);
          this.drawn.set(departement, drawn);
          if (this.visible) drawn.addTo(this.map);
          return drawn;
        })
        .catch(() => null);
      this.pending.set(departement, layer);
    }
    return layer;
  }

  // Loads the communes of every département whose outline meets the map's view.
  loadInView(departements: DepartementOutline[]): Promise<(L.GeoJSON | null)[]> {
    const view = this.map.getBounds();
    return Promise.all(departements.filter((each) => each.bounds.intersects(view)).map((each) => this.load(each.code)));
  }

  // Shows or hides every commune drawn (and those drawn later).
  show(visible: boolean): void {
    this.visible = visible;
    for (const layer of this.drawn.values()) {
      if (visible) layer.addTo(this.map);
      else layer.remove();
    }
  }

  // Every commune polygon drawn so far, with its properties.
  forEachCommune(visit: (layer: L.Path, properties: OutlineProperties) => void): void {
    for (const layer of this.drawn.values()) {
      layer.eachLayer((each) => {
        const feature = (each as L.Polygon).feature as GeoJSON.Feature<GeoJSON.Geometry, OutlineProperties> | undefined;
        if (feature) visit(each as L.Path, feature.properties);
      });
    }
  }
}
