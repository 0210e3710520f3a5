// The operator console's partner form (templates/pages/operator_partner_form.mustache): a
// map to set the partner's territory. A click on a département draws its communes; a click
// on a commune adds its INSEE code to the form's "Communes" field, or removes it. The field
// stays the source of truth: codes typed there are drawn, and the form works the same
// without the map (keyboard, no script). Offline: only the server's outlines are drawn.
import L from 'leaflet';

import { CommuneOutlines, drawDepartements } from './outlines';
import { departementOfCommune, parseCodes, toggleCode } from './territory_codes';

const kFranceBounds: L.LatLngBoundsExpression = [[41.3, -5.2], [51.1, 9.6]];
const kSelected: L.PathOptions = { color: '#1d3b2a', weight: 2, fillColor: '#2ea043', fillOpacity: 0.55 };
const kUnselected: L.PathOptions = { color: '#56605a', weight: 1, fillColor: '#ffffff', fillOpacity: 0.05 };

function setup(field: HTMLTextAreaElement): void {
  const help = document.createElement('p');
  help.className = 'help';
  help.id = 'territory-map-help';
  help.textContent =
    "Sur la carte : cliquez un département pour afficher ses communes, puis une commune pour l'ajouter au champ « Communes » ou l'en retirer.";
  const container = document.createElement('div');
  container.id = 'territory-map';
  container.className = 'map territory-picker';
  container.setAttribute('aria-describedby', help.id);
  const status = document.createElement('p');
  status.id = 'territory-map-status';
  status.className = 'muted';
  status.setAttribute('aria-live', 'polite');
  field.after(help, container, status);

  // A double click would toggle a commune twice and zoom: clicks are for picking here.
  const map = L.map(container, { attributionControl: false, doubleClickZoom: false });
  map.fitBounds(kFranceBounds);
  // Communes in a pane above the départements, whichever is drawn first, so that a click
  // inside a drawn commune always reaches the commune.
  map.createPane('communes').style.zIndex = '450';

  // Colours, a class and the code on each commune drawn, from the field's codes.
  const refresh = () => {
    const selected = new Set(parseCodes(field.value));
    communes.forEachCommune((layer, properties) => {
      const on = selected.has(properties.code);
      layer.setStyle(on ? kSelected : kUnselected);
      const path = layer.getElement();
      if (path) {
        path.classList.add('commune');
        path.classList.toggle('selected', on);
        path.setAttribute('data-code', properties.code);
      }
    });
  };
  const communes = new CommuneOutlines(map, {
    pane: 'communes',
    style: kUnselected,
    onEachFeature: (feature: GeoJSON.Feature<GeoJSON.Geometry, { code: string; name: string }>, layer) => {
      const { code, name } = feature.properties;
      layer.bindTooltip(`${name} (${code})`);
      layer.on('click', (event: L.LeafletMouseEvent) => {
        L.DomEvent.stopPropagation(event);
        const adding = !parseCodes(field.value).includes(code);
        field.value = toggleCode(field.value, code);
        field.dispatchEvent(new Event('input', { bubbles: true }));
        status.textContent = `${name} (${code}) ${adding ? 'ajoutée au' : 'retirée du'} territoire.`;
      });
    },
  });
  const loadCommunes = (departement: string) => communes.load(departement).then(refresh);

  void drawDepartements(map, {
    style: { color: '#2f3a33', weight: 1.5, fill: true, fillOpacity: 0 },
    onEachFeature: (feature: GeoJSON.Feature<GeoJSON.Geometry, { code: string; name: string }>, layer) => {
      layer.on('click', () => {
        status.textContent = `Communes de ${feature.properties.name} (${feature.properties.code}) affichées.`;
        map.fitBounds((layer as L.Polygon).getBounds(), { animate: false });
        void loadCommunes(feature.properties.code);
      });
    },
  });

  // The communes already in the field: their départements drawn, the map framed on them.
  const departements = new Set(parseCodes(field.value).map(departementOfCommune).filter((code): code is string => code !== null));
  void Promise.all([...departements].map((code) => communes.load(code))).then(() => {
    refresh();
    const selected = new Set(parseCodes(field.value));
    const bounds: L.LatLngBounds[] = [];
    communes.forEachCommune((layer, properties) => {
      if (selected.has(properties.code)) bounds.push((layer as L.Polygon).getBounds());
    });
    if (bounds.length > 0) map.fitBounds(bounds.reduce((all, each) => all.extend(each), L.latLngBounds(bounds[0].getSouthWest(), bounds[0].getNorthEast())));
  });
  field.addEventListener('input', () => {
    // Codes typed in a département not drawn yet: draw it.
    for (const code of parseCodes(field.value)) {
      const departement = departementOfCommune(code);
      if (departement) void loadCommunes(departement);
    }
    refresh();
  });

  // For the browser tests: the map, to click a place by its coordinates.
  (window as unknown as { vivrovertTerritoryMap: L.Map }).vivrovertTerritoryMap = map;
}

const field = document.querySelector<HTMLTextAreaElement>('#p-communes');
if (field) setup(field);
