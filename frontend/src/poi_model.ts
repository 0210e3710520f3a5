// The map's points of interest, without Leaflet: the request for a view, the colour of each
// kind, and what a point's or a cluster's tooltip says. poi_overlay.ts draws them; the
// server answers GET /api/v1/map/pois (src/web/api/poi_api.hpp).

// A kind of amenity as the server lists it, with its source and its count in the answer.
export interface PoiKind {
  criterion: string;
  label: string;
  publisher: string;
  dataset: string;
  vintage: string;
  url: string;
  count: number;
}

export interface PoiPointProperties {
  kind: string;
  name: string;
  commune: string;
}

export interface PoiClusterProperties {
  cluster: true;
  count: number;
  kinds: Record<string, number>;
}

export interface PoiAnswer {
  type: 'FeatureCollection';
  clustered: boolean;
  kinds: PoiKind[];
  features: Array<{
    type: 'Feature';
    geometry: { type: 'Point'; coordinates: [number, number] };
    properties: PoiPointProperties | PoiClusterProperties;
  }>;
}

export interface ViewBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

// Distinct on the map's pale background and on green tiles, cycled beyond twelve kinds.
const kPalette = ['#b91c1c', '#1d4ed8', '#7c3aed', '#c2410c', '#0f766e', '#a16207',
  '#be185d', '#334155', '#4d7c0f', '#0369a1', '#9333ea', '#78350f'];

export function kindColor(index: number): string {
  return kPalette[((index % kPalette.length) + kPalette.length) % kPalette.length];
}

// The request for a view; `kinds` null asks every kind. Coordinates are rounded to 5
// decimals (about a metre), so that the same view asks the same URL (and hits caches).
export function poiUrl(box: ViewBox, zoom: number, kinds: string[] | null): string {
  const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
  const bbox = [clamp(box.west, 180), clamp(box.south, 85), clamp(box.east, 180), clamp(box.north, 85)]
    .map((value) => value.toFixed(5)).join(',');
  let url = `/api/v1/map/pois?bbox=${bbox}&zoom=${Math.round(zoom)}`;
  if (kinds !== null) url += `&kinds=${encodeURIComponent(kinds.join(','))}`;
  return url;
}

// "Source : SNCF, Gares de voyageurs (2024)".
export function describeSource(kind: PoiKind): string {
  const parts = [kind.publisher, kind.dataset].filter((part) => part.length > 0).join(', ');
  return `Source : ${parts || 'non renseignée'}${kind.vintage ? ` (${kind.vintage})` : ''}`;
}

// A point's tooltip: its name (or its kind's label when the source names none), its kind,
// its commune, and its source.
export function describePoint(point: PoiPointProperties, kind: PoiKind | undefined): string[] {
  const label = kind?.label ?? point.kind;
  const lines = [point.name ? `${point.name} — ${label}` : label];
  if (point.commune) lines.push(`Commune ${point.commune}`);
  if (kind) lines.push(describeSource(kind));
  return lines;
}

// A cluster's tooltip: its count, then its kinds by count, most first.
export function describeCluster(cluster: PoiClusterProperties, kinds: PoiKind[]): string[] {
  const labels = new Map(kinds.map((kind) => [kind.criterion, kind.label]));
  const lines = [`${cluster.count.toLocaleString('fr-FR')} équipements — zoomez pour les voir`];
  const entries = Object.entries(cluster.kinds).sort((left, right) => right[1] - left[1]);
  for (const [criterion, count] of entries) lines.push(`${labels.get(criterion) ?? criterion} : ${count.toLocaleString('fr-FR')}`);
  return lines;
}
