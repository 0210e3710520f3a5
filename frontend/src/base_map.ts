// The base map under a Leaflet map, when the server configures one (`map.base_url` and its
// attribution and zoom range, docs/DEPLOY.md "A base map"): every page carries it in
// <meta name="base-map">, and the page's Content-Security-Policy admits its tiles' origin.
// Without it (the offline default) the maps draw the outlines alone and fetch nothing from
// outside.
import L from 'leaflet';

export interface BaseMap {
  url: string;
  attribution: string;
  subdomains: string;
  min_zoom: number;
  max_zoom: number;
}

// The configured base map, or null (none, or a meta this script cannot read).
export function configuredBaseMap(doc: Document = document): BaseMap | null {
  const content = doc.querySelector<HTMLMetaElement>('meta[name="base-map"]')?.content;
  if (!content) return null;
  try {
    const parsed = JSON.parse(content) as Partial<BaseMap>;
    if (typeof parsed.url !== 'string' || parsed.url === '') return null;
    return {
      url: parsed.url,
      attribution: String(parsed.attribution ?? ''),
      subdomains: String(parsed.subdomains ?? 'abc'),
      min_zoom: Number(parsed.min_zoom ?? 0),
      max_zoom: Number(parsed.max_zoom ?? 19),
    };
  } catch {
    return null;
  }
}

// Adds the base map under `map`'s other layers; false when none is configured.
export function addBaseMap(map: L.Map): boolean {
  const base = configuredBaseMap();
  if (!base) return false;
  L.tileLayer(base.url, {
    attribution: base.attribution,
    subdomains: base.subdomains,
    minZoom: base.min_zoom,
    maxZoom: base.max_zoom,
    zIndex: 0,  // under the green tiles (1)
    className: 'base-map',
  }).addTo(map);
  return true;
}
