// The saved property page's map (templates/pages/account_property.mustache): the property,
// the circle of the chosen radius, the listings and the amenities around, drawn from
// GET /api/v1/me/properties/{id}/surroundings. The page lists the same things beside the
// map for keyboard and screen-reader users. Offline: only the département outlines the
// server provides are drawn under the points.
import L from 'leaflet';

import { addBaseMap } from './base_map';
import { ApiError, apiFetch } from './api';
import { formatNumber } from './search_model';

interface Place {
  name?: string;
  title?: string;
  latitude: number;
  longitude: number;
  distance_km: number;
}

interface SurroundingsAnswer {
  radius_km: number;
  property: { name: string; latitude: number; longitude: number };
  listings: (Place & { kind: string; kind_label: string; location: { latitude: number; longitude: number } })[];
  amenities: { criterion: string; label: string; covered: boolean; within: Place[] }[];
}

const kKindColours: Record<string, string> = {
  housing: '#1f6f33',
  job: '#1f4e8c',
  business: '#8c5a1f',
  leisure: '#7a1f8c',
  poi: '#8c1f3d',
};

async function setup(container: HTMLElement, section: HTMLElement): Promise<void> {
  const id = section.dataset.propertyId ?? '';
  const radius = Number(container.dataset.radiusKm ?? '10');
  const map = L.map(container);
  addBaseMap(map);
  const centre: L.LatLngExpression = [Number(section.dataset.latitude), Number(section.dataset.longitude)];
  // The view first: a circle measures its bounds through the map's projection.
  map.fitBounds(L.latLng(centre).toBounds(radius * 2000));
  L.circle(centre, { radius: radius * 1000, color: '#1f6f33', weight: 2, fill: false }).addTo(map);
  L.circleMarker(centre, { radius: 10, color: '#0b3d17', fillColor: '#2ea043', fillOpacity: 1 })
    .bindTooltip('Le bien')
    .addTo(map);
  fetch('/api/v1/map/outlines/departements.geojson', { headers: { Accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : null))
    .then((outlines: GeoJSON.GeoJsonObject | null) => {
      if (outlines) L.geoJSON(outlines, { style: { color: '#56605a', weight: 1, fill: false }, interactive: false }).addTo(map);
    })
    .catch(() => undefined);

  const answer = await apiFetch<SurroundingsAnswer>(
    `/api/v1/me/properties/${encodeURIComponent(id)}/surroundings?radius_km=${radius}`,
  );
  let markers = 0;
  for (const listing of answer.listings) {
    L.circleMarker([listing.location.latitude, listing.location.longitude], {
      radius: 7,
      color: kKindColours[listing.kind] ?? '#333',
      fillOpacity: 0.8,
    })
      .bindTooltip(`${listing.kind_label} : ${listing.title ?? ''} (${formatNumber(listing.distance_km, 1)} km)`)
      .addTo(map);
    ++markers;
  }
  for (const kind of answer.amenities) {
    if (!kind.covered) continue;
    for (const place of kind.within) {
      L.circleMarker([place.latitude, place.longitude], { radius: 5, color: '#444', weight: 1, fillColor: '#fff', fillOpacity: 1 })
        .bindTooltip(`${kind.label}${place.name ? ` : ${place.name}` : ''} (${formatNumber(place.distance_km, 1)} km)`)
        .addTo(map);
      ++markers;
    }
  }
  container.dataset.markers = String(markers);
}

const container = document.querySelector<HTMLElement>('#property-map');
const section = document.querySelector<HTMLElement>('#bien');
if (container && section) {
  setup(container, section).catch((error: unknown) => {
    // The lists below the map still hold everything; say why the map has no points.
    container.dataset.markers = 'error';
    const note = document.createElement('p');
    note.className = 'alert';
    note.textContent = error instanceof ApiError ? error.message : 'La carte n\'a pas pu afficher les alentours : ils restent listés ci-dessous.';
    container.after(note);
    console.error(error);
  });
}
