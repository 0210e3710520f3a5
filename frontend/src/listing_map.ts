// The back-office listing form's map (templates/pages/partner_listing_form.mustache): a
// click on the map sets the latitude and longitude inputs; typed coordinates move the
// marker. Offline: the map draws only the département outlines the server provides.
import L from 'leaflet';

import { addBaseMap } from './base_map';
import { formatNumber, parseBound } from './search_model';

function setup(container: HTMLElement): void {
  const latitude = document.querySelector<HTMLInputElement>('#f-latitude');
  const longitude = document.querySelector<HTMLInputElement>('#f-longitude');
  if (!latitude || !longitude) return;
  const map = L.map(container);
  addBaseMap(map);
  const start = [parseBound(latitude.value), parseBound(longitude.value)];
  const marker = L.circleMarker([0, 0], { radius: 8, color: '#1f6f33', fillOpacity: 0.8 });
  const place = (lat: number, lon: number, moveMap: boolean) => {
    marker.setLatLng([lat, lon]).addTo(map);
    if (moveMap) map.setView([lat, lon], Math.max(map.getZoom(), 11));
  };
  if (start[0] !== null && start[1] !== null) {
    map.setView([start[0], start[1]], 12);
    place(start[0], start[1], false);
  } else {
    map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
  }
  map.on('click', (event: L.LeafletMouseEvent) => {
    latitude.value = formatNumber(Number(event.latlng.lat.toFixed(5)), 5);
    longitude.value = formatNumber(Number(event.latlng.lng.toFixed(5)), 5);
    place(event.latlng.lat, event.latlng.lng, false);
  });
  const typed = () => {
    const lat = parseBound(latitude.value);
    const lon = parseBound(longitude.value);
    if (lat !== null && lon !== null) place(lat, lon, true);
  };
  // For the browser tests: the map, to click a place by its coordinates.
  (window as unknown as { vivrovertListingMap: L.Map }).vivrovertListingMap = map;
  latitude.addEventListener('change', typed);
  longitude.addEventListener('change', typed);
  fetch('/api/v1/map/outlines/departements.geojson', { headers: { Accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : null))
    .then((outlines: GeoJSON.GeoJsonObject | null) => {
      if (outlines) L.geoJSON(outlines, { style: { color: '#56605a', weight: 1, fill: false }, interactive: false }).addTo(map);
    })
    .catch(() => undefined);
}

const container = document.querySelector<HTMLElement>('#listing-map');
if (container) setup(container);
