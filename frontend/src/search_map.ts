// The map of the search page (/recherche): Leaflet, the green tiles of the current search
// (server-rendered PNG tiles), the person's places with their circles, the outlines of
// départements and communes, and the points of interest on demand (poi_overlay.ts).
// search.ts imports this module only once the map nears the viewport, so that the first
// paint and the criteria form never wait for Leaflet (esbuild puts it and Leaflet in chunks
// of their own).
import L from 'leaflet';

import { addBaseMap } from './base_map';
import { CommuneOutlines, drawDepartements } from './outlines';
import { PoiOverlay } from './poi_overlay';
import { formatNumber } from './search_model';

const kFineZoom = 9;  // from this zoom on, the map shows 1 km tiles (5 km below)
const kCommuneZoom = 10;  // from this zoom on, the communes of the départements in view are outlined
const kFranceBounds: L.LatLngBoundsExpression = [[41.3, -5.2], [51.1, 9.6]];

// A place of the search as the server placed it (a commune's centre for a typed commune).
export interface DrawnPlace {
  name: string;
  max_km: number;
  latitude: number;
  longitude: number;
}

// A click on the map: where, and the tile level shown at the current zoom.
export interface MapClick {
  lat: number;
  lon: number;
  level: '1km' | '5km';
}

export class SearchMap {
  readonly map: L.Map;
  private greenLayer: L.TileLayer | null = null;
  private readonly placeLayer: L.LayerGroup;
  // The points of interest, behind the « Équipements » control (off until asked).
  readonly pois: PoiOverlay;

  constructor(container: HTMLElement, onClick: (click: MapClick) => void) {
    this.map = L.map(container, { zoomControl: true, attributionControl: true });
    this.map.fitBounds(kFranceBounds);
    this.map.attributionControl.setPrefix('Leaflet');
    addBaseMap(this.map);
    this.placeLayer = L.layerGroup().addTo(this.map);
    this.pois = new PoiOverlay(this.map);
    this.map.on('click', (event: L.LeafletMouseEvent) => {
      onClick({ lat: event.latlng.lat, lon: event.latlng.lng, level: this.map.getZoom() >= kFineZoom ? '1km' : '5km' });
    });
  }

  // The green tiles of a search (null: none); `onMissing` is called once when the server no
  // longer knows the search key (evicted: 404), so that the page asks again.
  setGreenLayer(url: string | null, onMissing: () => void): void {
    if (this.greenLayer) {
      this.map.removeLayer(this.greenLayer);
      this.greenLayer = null;
    }
    if (!url) return;
    const layer = L.tileLayer(url, { opacity: 1, maxZoom: 14, attribution: 'Dalles : VivroVert (données publiques)' });
    let retried = false;
    layer.on('tileerror', () => {
      if (retried) return;
      retried = true;
      onMissing();
    });
    layer.addTo(this.map);
    this.greenLayer = layer;
  }

  // Each place with its circle: straight lines, as the search measures them.
  drawPlaces(places: DrawnPlace[]): void {
    this.placeLayer.clearLayers();
    for (const place of places) {
      const centre: L.LatLngExpression = [place.latitude, place.longitude];
      L.circle(centre, { radius: place.max_km * 1000, color: '#1f4e8c', weight: 1.5, fill: false, interactive: false }).addTo(this.placeLayer);
      L.circleMarker(centre, { radius: 6, color: '#1f4e8c', fillOpacity: 0.9 })
        .bindTooltip(`${place.name} (${formatNumber(place.max_km, 1)} km à vol d'oiseau)`)
        .addTo(this.placeLayer);
    }
  }

  // Département outlines always; zoomed in, the communes of the départements in view too
  // (fetched once per département). Without outlines the map still works: nothing to tell.
  async loadOutlines(): Promise<void> {
    const departements = await drawDepartements(this.map, { style: { color: '#56605a', weight: 1, fill: false }, interactive: false });
    if (departements.length === 0) return;
    const communeOptions: L.GeoJSONOptions & L.PathOptions = {
      style: { color: '#7b857e', weight: 0.6, fill: false },
      interactive: false,
      className: 'commune-outline',
    };
    const communes = new CommuneOutlines(this.map, communeOptions);
    const update = () => {
      const near = this.map.getZoom() >= kCommuneZoom;
      communes.show(near);
      if (near) void communes.loadInView(departements);
    };
    this.map.on('zoomend moveend', update);
    update();
  }
}
