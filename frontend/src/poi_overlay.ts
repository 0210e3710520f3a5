// The map's points of interest (Leaflet): a control « Équipements » that shows or hides
// them, with a legend of each kind (its colour, count in view and source) whose boxes pick
// the kinds shown. Shown, the overlay asks the server for the view's points at each move
// (GET /api/v1/map/pois, the previous request cancelled) and draws points as coloured dots
// and dense cells as numbered circles. Off by default: the green tiles come first.
import L from 'leaflet';

import { apiFetch } from './api';
import {
  describeCluster, describePoint, describeSource, kindColor, poiUrl,
  type PoiAnswer, type PoiClusterProperties, type PoiKind, type PoiPointProperties,
} from './poi_model';

const kMoveDelayMs = 250;  // wait for the map to settle before asking

export class PoiOverlay {
  private readonly layer: L.LayerGroup;
  private readonly control: L.Control;
  private readonly status: HTMLElement;
  private readonly legend: HTMLElement;
  private shown = false;
  private kinds: PoiKind[] = [];
  private readonly hidden = new Set<string>();  // kinds unticked in the legend
  private timer: number | undefined;
  private inFlight: AbortController | null = null;

  constructor(private readonly map: L.Map) {
    this.layer = L.layerGroup();
    const container = L.DomUtil.create('div', 'leaflet-control poi-control');
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    const toggle = L.DomUtil.create('label', 'poi-toggle', container);
    const box = L.DomUtil.create('input', '', toggle) as HTMLInputElement;
    box.type = 'checkbox';
    box.name = 'poi-shown';
    toggle.append(' Équipements');
    this.legend = L.DomUtil.create('fieldset', 'poi-legend', container);
    this.legend.hidden = true;
    this.status = L.DomUtil.create('p', 'poi-status', container);
    this.status.setAttribute('role', 'status');
    box.addEventListener('change', () => this.show(box.checked));
    const PoiControl = L.Control.extend({ onAdd: () => container });
    this.control = new PoiControl({ position: 'topright' });
    this.control.addTo(map);
    map.on('moveend', () => this.scheduleUpdate());
  }

  // Shows or hides the points (the control's box does it; the tests may too).
  show(shown: boolean): void {
    this.shown = shown;
    this.legend.hidden = !shown || this.kinds.length === 0;
    if (shown) {
      this.layer.addTo(this.map);
      this.scheduleUpdate(0);
    } else {
      this.inFlight?.abort();
      this.layer.remove();
      this.status.textContent = '';
    }
  }

  private scheduleUpdate(delay = kMoveDelayMs): void {
    if (!this.shown) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.update(), delay);
  }

  private async update(): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const bounds = this.map.getBounds();
    const asked = this.hidden.size === 0 ? null
      : this.kinds.map((kind) => kind.criterion).filter((criterion) => !this.hidden.has(criterion));
    if (asked !== null && asked.length === 0) {
      this.layer.clearLayers();
      this.status.textContent = 'Aucune catégorie cochée.';
      return;
    }
    let answer: PoiAnswer;
    try {
      answer = await apiFetch<PoiAnswer>(poiUrl({ west: bounds.getWest(), south: bounds.getSouth(), east: bounds.getEast(), north: bounds.getNorth() },
        this.map.getZoom(), asked), { signal: controller.signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      this.layer.clearLayers();
      this.status.textContent = (error as Error).message || 'Les équipements n\'ont pas pu être chargés.';
      return;
    }
    if (!this.shown || controller !== this.inFlight) return;
    this.inFlight = null;
    if (this.kinds.length === 0) this.buildLegend(answer.kinds);
    this.updateCounts(answer.kinds);
    this.draw(answer);
  }

  private draw(answer: PoiAnswer): void {
    this.layer.clearLayers();
    const byCriterion = new Map(this.kinds.map((kind, index) => [kind.criterion, { kind, index }]));
    let points = 0;
    for (const feature of answer.features) {
      const [lon, lat] = feature.geometry.coordinates;
      if ('cluster' in feature.properties) {
        const cluster = feature.properties as PoiClusterProperties;
        points += cluster.count;
        const size = cluster.count < 10 ? 26 : cluster.count < 100 ? 32 : cluster.count < 1000 ? 38 : 44;
        const icon = L.divIcon({ className: 'poi-cluster', html: `<span>${cluster.count.toLocaleString('fr-FR')}</span>`, iconSize: [size, size] });
        const marker = L.marker([lat, lon], { icon, keyboard: false, title: '' });
        marker.bindTooltip(describeCluster(cluster, this.kinds).map(escapeText).join('<br>'));
        marker.on('click', () => this.map.setView([lat, lon], Math.min(this.map.getZoom() + 2, 18)));
        marker.addTo(this.layer);
      } else {
        const point = feature.properties as PoiPointProperties;
        points += 1;
        const found = byCriterion.get(point.kind);
        L.circleMarker([lat, lon], { radius: 5, color: '#ffffff', weight: 1, fillColor: kindColor(found?.index ?? 0), fillOpacity: 0.95, bubblingMouseEvents: false })
          .bindTooltip(describePoint(point, found?.kind).map(escapeText).join('<br>'))
          .addTo(this.layer);
      }
    }
    this.status.textContent = points === 0 ? 'Aucun équipement dans cette vue.'
      : `${points.toLocaleString('fr-FR')} équipement${points > 1 ? 's' : ''} dans cette vue${answer.clustered ? ' (regroupés)' : ''}.`;
  }

  private buildLegend(kinds: PoiKind[]): void {
    this.kinds = kinds;
    this.legend.replaceChildren();
    const title = document.createElement('legend');
    title.textContent = 'Catégories';
    this.legend.append(title);
    kinds.forEach((kind, index) => {
      const label = document.createElement('label');
      label.className = 'poi-kind';
      label.title = describeSource(kind);
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.value = kind.criterion;
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(kind.criterion);
        else this.hidden.add(kind.criterion);
        this.scheduleUpdate(0);
      });
      const swatch = document.createElement('span');
      swatch.className = 'poi-swatch';
      swatch.style.background = kindColor(index);
      const count = document.createElement('span');
      count.className = 'poi-count';
      count.dataset.criterion = kind.criterion;
      label.append(box, swatch, ` ${kind.label} `, count);
      this.legend.append(label);
    });
    this.legend.hidden = !this.shown;
  }

  private updateCounts(kinds: PoiKind[]): void {
    const counts = new Map(kinds.map((kind) => [kind.criterion, kind.count]));
    for (const count of this.legend.querySelectorAll<HTMLElement>('.poi-count')) {
      const value = counts.get(count.dataset.criterion ?? '') ?? 0;
      count.textContent = `(${value.toLocaleString('fr-FR')})`;
    }
  }
}

// Tooltips are HTML in Leaflet: the names come from open data, so they are escaped.
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] ?? c));
}
