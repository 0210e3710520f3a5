// The search page (/recherche, templates/pages/search.mustache): reads the criteria form,
// asks the JSON API for the green tiles (debounced, the previous call aborted), and draws
// them on a Leaflet map from server-rendered PNG tiles, with the count, a list view and a
// panel for the clicked tile. Everything written to the page goes through textContent or
// element attributes: no HTML is built from data.
//
// The map (Leaflet, search_map.ts) is a chunk of its own, imported once the map nears the
// viewport: the criteria work before it, and it is drawn with the latest search when it comes.
import type L from 'leaflet';

import { ApiError, apiFetch, csrfToken } from './api';
import { showCoverage } from './coverage';
import type { MapClick, SearchMap } from './search_map';
import {
  buildRequest,
  CriterionInput,
  describeChosen,
  describeListingCounts,
  describePlace,
  describePlaceHint,
  describeValue,
  formatNumber,
  kMaxPlaces,
  parseBound,
  Place,
  PlaceHint,
  placeFromInputs,
  SearchRequest,
} from './search_model';

const kDebounceMs = 250;

interface SearchAnswer {
  green_count: number;
  communes_count: number;
  tiles: { id: string; score: number }[];
  communes: { code: string; name: string; green_tiles: number }[];
  relax: { criterion: string; label?: string; extra_green?: number; more_green?: number }[];
  places?: { name: string; max_km: number; importance: string; latitude: number; longitude: number; relax: PlaceHint | null }[];
}
interface MapSearch {
  key: string;
  tiles: string;
  green_count_5km: number;
  green_count_1km: number;
}
interface TileValue {
  value: number | null;
  unit?: string;
  label?: string;
}
interface TileAnswer {
  id: string;
  communes?: { code: string; name: string; share?: number; population?: number; departement?: string; epci?: string; epci_name?: string; departement_name?: string }[];
  values?: Record<string, TileValue>;
}
interface Check {
  criterion: string;
  label: string;
  unit: string;
  importance: string;
  min: number | null;
  max: number | null;
  value: number | null;
  passes: boolean;
  margin: number | null;
}
interface PlaceCheck {
  name: string;
  importance: string;
  passes: boolean;
  text: string;
}
interface Explanation {
  green: boolean;
  checks: Check[];
  places?: PlaceCheck[];
}
interface ListingCounts {
  date: string;
  tiles: Record<string, Record<string, number>>;
}
interface ListingsAnswer {
  counts: Record<string, number>;
  listings: { id: number; kind: string; title: string; commune_code: string; price_eur?: number; demo?: boolean }[];
}

const kKindLabels: Record<string, string> = {
  housing: 'Logement',
  job: 'Emploi',
  business: 'Activité à reprendre',
  leisure: 'Loisir',
  poi: "Point d'intérêt",
  cv: 'CV',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function readInputs(form: HTMLFormElement): CriterionInput[] {
  const inputs: CriterionInput[] = [];
  form.querySelectorAll<HTMLElement>('.criterion[data-criterion]').forEach((row) => {
    const importance = row.querySelector<HTMLSelectElement>('select.importance');
    if (!importance) return;
    const text = row.querySelector<HTMLInputElement>('.bound-text');
    inputs.push({
      criterion: row.dataset.criterion ?? '',
      bound: (row.dataset.bound as 'min' | 'max') ?? 'max',
      importance: importance.value,
      value: parseBound(text?.value ?? ''),
    });
  });
  return inputs;
}

function syncRow(row: HTMLElement, fromRange: boolean): void {
  const range = row.querySelector<HTMLInputElement>('.bound-range');
  const text = row.querySelector<HTMLInputElement>('.bound-text');
  const output = row.querySelector<HTMLOutputElement>('output');
  if (!range || !text) return;
  if (fromRange) {
    text.value = formatNumber(Number(range.value));
  } else {
    const value = parseBound(text.value);
    if (value !== null) range.value = String(value);
  }
  if (output) output.textContent = text.value;
}

interface SavedSearch {
  id: number;
  name: string;
  request: { criteria: { criterion: string; min?: number | null; max?: number | null; importance: string; weight?: number }[]; places?: Place[] };
}

// Kept for the tab's lifetime only (sessionStorage): a search to save after login, and the
// tiles opened before it, sent again once signed in (no cookie for anonymous visitors).
const kPendingSearch = 'vivrovert.pending-search';
const kPendingClicks = 'vivrovert.pending-clicks';

function readSession<T>(key: string): T | null {
  try {
    const text = window.sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

class SearchPage {
  private readonly form: HTMLFormElement;
  private readonly status: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  // The map once its chunk is loaded; until then the latest green tiles and places wait here.
  private mapView: SearchMap | null = null;
  private greenUrl: string | null = null;
  private drawnPlaces: NonNullable<SearchAnswer['places']> = [];
  private request: SearchRequest | null = null;
  private timer: number | undefined;
  private inFlight: AbortController | null = null;

  private readonly signedIn: boolean;
  // "Mes lieux": the places of the search, a point being picked on the map, their markers.
  private places: Place[] = [];
  private picking = false;
  private pickedPoint: { lat: number; lon: number } | null = null;

  constructor(root: HTMLElement) {
    this.signedIn = root.querySelector<HTMLElement>('#save-search')?.dataset.signedIn === '1';
    this.form = root.querySelector<HTMLFormElement>('#criteria-form')!;
    this.status = root.querySelector<HTMLElement>('#search-status')!;
    this.panel = root.querySelector<HTMLElement>('#tile-panel')!;
    this.list = root.querySelector<HTMLElement>('#list-content')!;
    root.querySelector('#place-pick')?.addEventListener('click', () => this.setPicking(!this.picking));
    root.querySelector('#place-add')?.addEventListener('click', () => this.addPlace());
    // Leaflet, the map and its outlines come once the map nears the viewport: on a phone the
    // map sits under the criteria, and the first paint does not need them.
    const container = root.querySelector<HTMLElement>('#map')!;
    whenVisible(container, () => void this.loadMap(container));

    // One listener for the 40-odd criteria (events bubble to the form): the start does not
    // walk every row.
    this.form.addEventListener('input', (event) => {
      const target = event.target as HTMLElement;
      const row = target.closest<HTMLElement>('.criterion[data-criterion]');
      if (!row) return;
      if (target.classList.contains('bound-range')) {
        syncRow(row, true);
        const importance = row.querySelector<HTMLSelectElement>('select.importance');
        if (importance && importance.value === '') {
          importance.value = 'required';
          this.showChosen(false);
        }
        this.schedule();
      } else if (target.classList.contains('bound-text')) {
        syncRow(row, false);
        this.schedule();
      }
    });
    this.form.addEventListener('change', (event) => {
      const target = event.target as HTMLElement;
      const row = target.closest<HTMLElement>('.criterion[data-criterion]');
      if (!row || !target.classList.contains('importance')) return;
      const text = row.querySelector<HTMLInputElement>('.bound-text');
      if (text && text.value === '') syncRow(row, true);
      this.showChosen(false);
      this.schedule();
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.schedule(0);
    });
    root.querySelector('#reset-criteria')?.addEventListener('click', () => this.applyProfile(null));
    const profiles = JSON.parse(root.querySelector('#search-profiles')?.textContent ?? '[]') as {
      id: string;
      criteria: { criterion: string; min?: number; max?: number; importance: string; weight?: number }[];
    }[];
    root.querySelectorAll<HTMLButtonElement>('button.profile').forEach((button) => {
      button.addEventListener('click', () => this.applyProfile(profiles.find((p) => p.id === button.dataset.profile) ?? null));
    });
    root.querySelector('#save-search-button')?.addEventListener('click', () => void this.save());
    void this.restore();
  }

  // A saved search named in the address (?recherche=ID), or the one kept before login;
  // the tiles opened before login are attached to the account.
  private async restore(): Promise<void> {
    const status = document.querySelector<HTMLElement>('#save-status');
    const wanted = new URLSearchParams(window.location.search).get('recherche');
    const pending = readSession<{ name: string; request: SavedSearch['request'] }>(kPendingSearch);
    if (this.signedIn) {
      const clicks = readSession<{ tile: string; at: number }[]>(kPendingClicks) ?? [];
      window.sessionStorage.removeItem(kPendingClicks);
      for (const click of clicks) {
        await apiFetch('/api/v1/clicks', { method: 'POST', body: { tile: click.tile, linked: true, clicked_at: click.at }, csrfToken: csrfToken(document) }).catch(() => undefined);
      }
      void this.listSearches();
      void this.listFavourites();
    }
    if (wanted && this.signedIn) {
      try {
        const saved = await apiFetch<SavedSearch>(`/api/v1/me/searches/${encodeURIComponent(wanted)}`);
        this.applyProfile(saved.request);
        const name = document.querySelector<HTMLInputElement>('#search-name');
        if (name) name.value = saved.name;
      } catch (error) {
        if (status) status.textContent = error instanceof ApiError ? error.message : 'Recherche introuvable.';
      }
    } else if (pending) {
      this.applyProfile(pending.request);
      const name = document.querySelector<HTMLInputElement>('#search-name');
      if (name) name.value = pending.name;
      if (status) {
        status.textContent = this.signedIn
          ? 'Votre recherche vous attendait : enregistrez-la.'
          : 'Votre recherche est gardée le temps de vous connecter.';
      }
    }
  }

  private async save(): Promise<void> {
    const status = document.querySelector<HTMLElement>('#save-status');
    const name = document.querySelector<HTMLInputElement>('#search-name')?.value.trim() ?? '';
    const request = buildRequest(readInputs(this.form), '5km', this.places);
    if (!status) return;
    if (request.criteria.length === 0 && !request.places) {
      status.textContent = 'Choisissez au moins un critère ou un lieu avant d\'enregistrer.';
      return;
    }
    if (!this.signedIn) {
      window.sessionStorage.setItem(kPendingSearch, JSON.stringify({ name: name || 'Ma recherche', request }));
      status.textContent = 'Connectez-vous ou créez un compte pour l\'enregistrer : elle vous attend ici au retour.';
      return;
    }
    try {
      await apiFetch('/api/v1/me/searches', { method: 'POST', body: { name: name || 'Ma recherche', request }, csrfToken: csrfToken(document) });
      window.sessionStorage.removeItem(kPendingSearch);
      status.textContent = 'Recherche enregistrée.';
      await this.listSearches();
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : 'L\'enregistrement a échoué.';
    }
  }

  // A housing listing of the tile panel kept among the person's saved properties; its page
  // (/compte/biens/{id}) shows what lies around.
  private async saveProperty(listingId: number, button: HTMLButtonElement): Promise<void> {
    try {
      const saved = await apiFetch<{ id: number }>('/api/v1/me/properties', {
        method: 'POST',
        body: { listing_id: listingId },
        csrfToken: csrfToken(document),
      });
      const link = el('a', 'Bien en mémoire : voir ses alentours', 'saved-property');
      link.href = `/compte/biens/${saved.id}`;
      button.replaceWith(link);
    } catch (error) {
      button.textContent = error instanceof ApiError ? error.message : 'Échec';
    }
  }

  private async addFavourite(kind: 'tile' | 'commune', code: string, button: HTMLButtonElement): Promise<void> {
    try {
      await apiFetch('/api/v1/me/favourites', { method: 'POST', body: { kind, code }, csrfToken: csrfToken(document) });
      button.textContent = 'Dans vos favoris';
      button.disabled = true;
      await this.listFavourites();
    } catch (error) {
      button.textContent = error instanceof ApiError ? error.message : 'Échec';
    }
  }

  private async listFavourites(): Promise<void> {
    const list = document.querySelector<HTMLElement>('#my-favourites');
    if (!list) return;
    const answer = await apiFetch<{ favourites: { kind: string; code: string; label: string }[] }>('/api/v1/me/favourites').catch(
      () => ({ favourites: [] }),
    );
    list.replaceChildren();
    if (answer.favourites.length === 0) list.append(el('li', 'Aucun secteur favori.', 'muted'));
    for (const favourite of answer.favourites) {
      const item = el('li');
      if (favourite.kind === 'tile') {
        const open = el('button', favourite.label, 'link');
        open.type = 'button';
        open.addEventListener('click', () => void this.openTile(favourite.code));
        item.append(open);
      } else {
        item.append(el('span', `${favourite.label} (commune ${favourite.code})`));
      }
      const remove = el('button', 'Retirer', 'link');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Retirer ${favourite.label} des favoris`);
      remove.addEventListener('click', () => {
        void apiFetch(`/api/v1/me/favourites/${favourite.kind}/${encodeURIComponent(favourite.code)}`, {
          method: 'DELETE',
          csrfToken: csrfToken(document),
        })
          .catch(() => undefined)
          .then(() => this.listFavourites());
      });
      item.append(' ', remove);
      list.append(item);
    }
  }

  private async listSearches(): Promise<void> {
    const list = document.querySelector<HTMLElement>('#my-searches');
    if (!list) return;
    const answer = await apiFetch<{ searches: SavedSearch[] }>('/api/v1/me/searches').catch(() => ({ searches: [] }));
    list.replaceChildren();
    if (answer.searches.length === 0) list.append(el('li', 'Aucune recherche enregistrée.', 'muted'));
    for (const saved of answer.searches) {
      const item = el('li');
      const link = el('a', saved.name);
      link.href = `/recherche?recherche=${saved.id}`;
      const remove = el('button', 'Supprimer', 'link');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Supprimer la recherche ${saved.name}`);
      remove.addEventListener('click', () => {
        void apiFetch(`/api/v1/me/searches/${saved.id}`, { method: 'DELETE', csrfToken: csrfToken(document) })
          .catch(() => undefined)
          .then(() => this.listSearches());
      });
      item.append(link, ' ', remove);
      list.append(item);
    }
  }

  private applyProfile(
    profile: { criteria: { criterion: string; min?: number | null; max?: number | null; importance: string; weight?: number }[]; places?: Place[] } | null,
  ): void {
    // "Tout effacer" clears the places too; a profile keeps them; a saved search brings its own.
    if (profile === null) this.places = [];
    else if (profile.places) this.places = profile.places.slice(0, kMaxPlaces);
    this.renderPlaces();
    this.form.querySelectorAll<HTMLElement>('.criterion[data-criterion]').forEach((row) => {
      const importance = row.querySelector<HTMLSelectElement>('select.importance');
      const text = row.querySelector<HTMLInputElement>('.bound-text');
      if (!importance || !text) return;
      const wanted = profile?.criteria.find((c) => c.criterion === row.dataset.criterion);
      if (!wanted) {
        importance.value = '';
        text.value = '';
      } else {
        importance.value = wanted.importance === 'required' ? 'required' : (wanted.weight ?? 1) >= 3 ? 'preferred-3' : 'preferred-1';
        const bound = row.dataset.bound === 'min' ? wanted.min : wanted.max;
        text.value = bound === undefined || bound === null ? '' : formatNumber(bound);
      }
      syncRow(row, false);
    });
    this.showChosen(true);
    this.schedule(0);
  }

  // The criteria are folded by theme (<details>, closed in the page): each theme's summary
  // says how many of its criteria are chosen. With `openChosen` (a profile, a saved or kept
  // search, "Tout effacer"), the themes holding chosen criteria open and the others close.
  private showChosen(openChosen: boolean): void {
    this.form.querySelectorAll<HTMLDetailsElement>('details.criteria-group').forEach((group) => {
      let chosen = 0;
      group.querySelectorAll<HTMLSelectElement>('select.importance').forEach((importance) => {
        if (importance.value !== '') ++chosen;
      });
      const badge = group.querySelector<HTMLElement>('.group-chosen');
      if (badge) badge.textContent = describeChosen(chosen);
      if (openChosen) group.open = chosen > 0;
    });
  }

  private schedule(delay = kDebounceMs): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    const request = buildRequest(readInputs(this.form), '5km', this.places);
    this.request = request;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    if (request.criteria.length === 0 && !request.places) {
      this.status.textContent = 'Choisissez au moins un critère ou un lieu.';
      this.setGreenLayer(null);
      showCoverage(this.form, document.querySelector<HTMLElement>('#coverage-notes'));
      return;
    }
    this.status.textContent = 'Recherche…';
    try {
      const [answer, map] = await Promise.all([
        apiFetch<SearchAnswer>('/api/v1/search', { method: 'POST', body: { ...request, page: { limit: 20 } }, signal: controller.signal }),
        apiFetch<MapSearch>('/api/v1/map/searches', { method: 'POST', body: request, signal: controller.signal }).catch((error: unknown) => {
          if ((error as Error).name === 'AbortError') throw error;
          return null;
        }),
      ]);
      if (controller.signal.aborted) return;
      const required =
        request.criteria.some((c) => c.importance === 'required') || (request.places ?? []).some((p) => p.importance === 'required');
      this.status.textContent = required
        ? `${formatNumber(answer.green_count)} dalle(s) verte(s) de 5 km, ${formatNumber(answer.communes_count)} commune(s).`
        : `Aucun critère indispensable : toutes les dalles sont vertes (${formatNumber(answer.green_count)}), classées par vos préférences.`;
      this.status.dataset.greenCount = String(answer.green_count);
      showCoverage(this.form, document.querySelector<HTMLElement>('#coverage-notes'));
      this.renderList(answer);
      this.drawPlaces(answer);
      if (map) {
        this.setGreenLayer(map.tiles);
      } else {
        this.setGreenLayer(null);
        this.status.textContent += ' (La carte est indisponible pour le moment ; la liste reste à jour.)';
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      this.status.textContent = error instanceof ApiError ? error.message : 'La recherche a échoué.';
    }
  }

  // The Leaflet map of the search page (for the browser tests too); undefined until its
  // chunk is loaded.
  get map(): L.Map | undefined {
    return this.mapView?.map;
  }

  private async loadMap(container: HTMLElement): Promise<void> {
    let view: SearchMap;
    try {
      const { SearchMap } = await import('./search_map');
      view = new SearchMap(container, (click) => this.mapClicked(click));
    } catch {
      container.replaceChildren(el('p', 'La carte n\'a pas pu être chargée ; la liste des dalles reste à jour.', 'map-failed'));
      return;
    }
    this.mapView = view;
    this.setGreenLayer(this.greenUrl);
    view.drawPlaces(this.drawnPlaces);
    void view.loadOutlines();
  }

  private mapClicked(click: MapClick): void {
    if (this.picking) this.pickPoint(click);
    else void this.openTileAt(click);
  }

  // An evicted search key answers 404: the map asks again once, then reloads.
  private setGreenLayer(url: string | null): void {
    this.greenUrl = url;
    this.mapView?.setGreenLayer(url, () => this.schedule(0));
  }

  private renderList(answer: SearchAnswer): void {
    this.list.replaceChildren();
    if (answer.tiles.length === 0) {
      this.list.append(el('p', 'Aucune dalle ne réunit tous les critères indispensables.'));
    } else {
      const table = el('table');
      table.id = 'best-tiles';
      const caption = el('caption', 'Meilleures dalles (score de 0 à 1 selon vos préférences)');
      const head = el('tr');
      head.append(el('th', 'Dalle'), el('th', 'Score'), el('th', 'Annonces en ligne'));
      table.append(caption, head);
      const countCells = new Map<string, HTMLTableCellElement>();
      for (const tile of answer.tiles) {
        const row = el('tr');
        const cell = el('td');
        const button = el('button', tile.id, 'link');
        button.type = 'button';
        button.addEventListener('click', () => void this.openTile(tile.id));
        cell.append(button);
        const counts = el('td', '…', 'listing-counts');
        counts.dataset.tile = tile.id;
        countCells.set(tile.id, counts);
        row.append(cell, el('td', formatNumber(tile.score, 2)), counts);
        table.append(row);
      }
      this.list.append(table);
      void this.fillListingCounts(countCells);
    }
    if (answer.communes.length > 0) {
      const communes = el('ul');
      communes.id = 'best-communes';
      for (const commune of answer.communes.slice(0, 30)) {
        communes.append(el('li', `${commune.name} (${commune.code}) — ${commune.green_tiles} dalle(s) verte(s)`));
      }
      this.list.append(el('h3', 'Communes concernées'), communes);
    }
    const placeHints = (answer.places ?? []).filter((place) => place.relax !== null);
    if (answer.relax.length > 0 || placeHints.length > 0) {
      const relax = el('ul');
      relax.id = 'relax-hints';
      for (const hint of answer.relax) relax.append(el('li', describeRelax(hint)));
      for (const place of placeHints) relax.append(el('li', describePlaceHint(place.name, place.max_km, place.relax!), 'place-hint'));
      this.list.append(el('h3', 'Pour élargir'), relax);
    }
  }

  // The listings of the tiles on screen only, asked after the search so that the search
  // never waits for the database; a newer list replaces these cells, so a late answer
  // writes into detached cells and is simply lost.
  private async fillListingCounts(cells: Map<string, HTMLTableCellElement>): Promise<void> {
    if (cells.size === 0) return;
    const ids = [...cells.keys()].map((id) => encodeURIComponent(id)).join(',');
    try {
      const answer = await apiFetch<ListingCounts>(`/api/v1/listings/counts?tiles=${ids}`);
      for (const [id, cell] of cells) {
        const counts = answer.tiles[id] ?? {};
        cell.textContent = describeListingCounts(counts);
        cell.dataset.count = String(Object.values(counts).reduce((sum, count) => sum + count, 0));
      }
    } catch {
      for (const cell of cells.values()) cell.textContent = 'indisponible';
    }
  }

  private async openTileAt(click: MapClick): Promise<void> {
    try {
      const tile = await apiFetch<{ id: string }>(`/api/v1/tiles/at?lat=${click.lat}&lon=${click.lon}&level=${click.level}`);
      await this.openTile(tile.id);
    } catch (error) {
      this.showPanelMessage(error instanceof ApiError ? error.message : 'Dalle introuvable.');
    }
  }

  private setPicking(on: boolean): void {
    this.picking = on;
    const button = document.querySelector<HTMLButtonElement>('#place-pick');
    if (button) {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.textContent = on ? 'Cliquez sur la carte…' : 'Choisir sur la carte';
    }
  }

  private pickPoint(click: MapClick): void {
    this.setPicking(false);
    this.pickedPoint = { lat: click.lat, lon: click.lon };
    const point = document.querySelector<HTMLElement>('#place-point');
    if (point) point.textContent = `Point choisi : ${formatNumber(click.lat, 4)}, ${formatNumber(click.lon, 4)}`;
    const commune = document.querySelector<HTMLInputElement>('#place-commune');
    if (commune) commune.value = '';
  }

  private addPlace(): void {
    const status = document.querySelector<HTMLElement>('#place-status');
    const value = (id: string) => document.querySelector<HTMLInputElement | HTMLSelectElement>(id)?.value ?? '';
    if (this.places.length >= kMaxPlaces) {
      if (status) status.textContent = `Au plus ${kMaxPlaces} lieux.`;
      return;
    }
    const commune = value('#place-commune').trim();
    const place = placeFromInputs({
      name: value('#place-name'),
      maxKm: value('#place-max'),
      importance: value('#place-importance'),
      commune,
      address: value('#place-address'),
      point: commune === '' ? this.pickedPoint : null,
    });
    if (typeof place === 'string') {
      if (status) status.textContent = place;
      return;
    }
    this.places.push(place);
    this.pickedPoint = null;
    for (const id of ['#place-name', '#place-commune', '#place-address']) {
      const input = document.querySelector<HTMLInputElement>(id);
      if (input) input.value = '';
    }
    const point = document.querySelector<HTMLElement>('#place-point');
    if (point) point.textContent = 'ou tapez sa commune :';
    if (status) status.textContent = `Lieu « ${place.name} » ajouté.`;
    this.renderPlaces();
    this.schedule(0);
  }

  private renderPlaces(): void {
    const list = document.querySelector<HTMLElement>('#my-places');
    if (!list) return;
    list.replaceChildren();
    this.places.forEach((place, index) => {
      const item = el('li', describePlace(place));
      const remove = el('button', 'Retirer', 'link');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Retirer le lieu ${place.name}`);
      remove.addEventListener('click', () => {
        this.places.splice(index, 1);
        this.renderPlaces();
        this.schedule(0);
      });
      item.append(' ', remove);
      list.append(item);
    });
    if (this.places.length === 0) {
      this.drawnPlaces = [];
      this.mapView?.drawPlaces([]);
    }
  }

  // The places where the server placed them (a commune's centre for a typed commune).
  private drawPlaces(answer: SearchAnswer): void {
    this.drawnPlaces = answer.places ?? [];
    this.mapView?.drawPlaces(this.drawnPlaces);
  }

  private showPanelMessage(message: string): void {
    this.panel.hidden = false;
    this.panel.replaceChildren(el('p', message));
  }

  // Opening a tile is recorded: it makes a signed-in person a prospect of the partners
  // owning the tile; an anonymous visitor's click counts in aggregate statistics and is
  // attached to the account if they log in from this tab.
  private recordClick(id: string): void {
    void apiFetch('/api/v1/clicks', { method: 'POST', body: { tile: id }, csrfToken: csrfToken(document) }).catch(() => undefined);
    if (!this.signedIn) {
      const clicks = readSession<{ tile: string; at: number }[]>(kPendingClicks) ?? [];
      clicks.push({ tile: id, at: Math.floor(Date.now() / 1000) });
      window.sessionStorage.setItem(kPendingClicks, JSON.stringify(clicks.slice(-50)));
    }
  }

  private async openTile(id: string): Promise<void> {
    this.recordClick(id);
    this.panel.hidden = false;
    this.panel.replaceChildren(el('p', 'Chargement de la dalle…'));
    const search = this.request ? encodeURIComponent(JSON.stringify({ criteria: this.request.criteria, places: this.request.places })) : '';
    try {
      const [tile, explanation, listings] = await Promise.all([
        apiFetch<TileAnswer>(`/api/v1/tiles/${encodeURIComponent(id)}`),
        this.request && (this.request.criteria.length > 0 || this.request.places)
          ? apiFetch<Explanation>(`/api/v1/tiles/${encodeURIComponent(id)}/explain?search=${search}`)
          : Promise.resolve(null),
        apiFetch<ListingsAnswer>(`/api/v1/tiles/${encodeURIComponent(id)}/listings`),
      ]);
      this.renderPanel(id, tile, explanation, listings);
    } catch (error) {
      this.showPanelMessage(error instanceof ApiError ? error.message : 'Impossible de lire cette dalle.');
    }
  }

  private renderPanel(id: string, tile: TileAnswer, explanation: Explanation | null, listings: ListingsAnswer): void {
    const close = el('button', 'Fermer', 'secondary');
    close.type = 'button';
    close.addEventListener('click', () => {
      this.panel.hidden = true;
    });
    const title = el('h2', explanation ? (explanation.green ? 'Dalle verte' : 'Dalle non verte') : 'Dalle');
    const summary = el('p', `Annonces en ligne : ${describeListingCounts(listings.counts)}`, 'tile-listing-counts');
    this.panel.replaceChildren(close, title, el('p', id, 'muted tile-id'), summary);
    this.panel.dataset.tile = id;
    if (this.signedIn) {
      const favourite = el('button', 'Ajouter aux secteurs favoris', 'secondary favourite-tile');
      favourite.type = 'button';
      favourite.addEventListener('click', () => void this.addFavourite('tile', id, favourite));
      this.panel.append(favourite);
    } else {
      this.panel.append(el('p', 'Connectez-vous pour garder cette dalle dans vos secteurs favoris.', 'muted'));
    }

    const communes = el('ul', undefined, 'tile-communes');
    for (const commune of tile.communes ?? []) {
      const parts = [`${commune.name} (${commune.code})`];
      if (commune.population) parts.push(`${formatNumber(commune.population)} habitants`);
      if (commune.epci_name) parts.push(commune.epci_name);
      if (commune.departement_name) parts.push(`${commune.departement_name} (${commune.departement ?? ''})`);
      if (commune.share !== undefined) {
        parts.push(commune.share < 0.01 ? 'moins de 1 % de la dalle' : `${formatNumber(commune.share * 100, 0)} % de la dalle`);
      }
      const item = el('li', parts.join(' — '));
      if (this.signedIn) {
        const favourite = el('button', 'Favori', 'link favourite-commune');
        favourite.type = 'button';
        favourite.setAttribute('aria-label', `Ajouter ${commune.name} aux secteurs favoris`);
        favourite.addEventListener('click', () => void this.addFavourite('commune', commune.code, favourite));
        item.append(' ', favourite);
      }
      communes.append(item);
    }
    this.panel.append(el('h3', 'Communes'), communes);

    if (explanation) {
      const checks = el('ul', undefined, 'tile-checks');
      const toGreen: string[] = [];
      for (const check of explanation.checks) {
        const verdict = check.passes ? '✓' : '✗';
        const item = el('li', `${verdict} ${check.label} : ${describeValue(check.value, check.unit)}`, check.passes ? 'pass' : 'fail');
        checks.append(item);
        if (!check.passes && check.importance === 'required') {
          if (check.value === null) toGreen.push(`${check.label} : pas de valeur connue ici`);
          else if (check.max !== null && check.value > check.max) toGreen.push(`${check.label} : accepter ${describeValue(check.value, check.unit)} (au lieu de ${describeValue(check.max, check.unit)})`);
          else if (check.min !== null && check.value < check.min) toGreen.push(`${check.label} : accepter ${describeValue(check.value, check.unit)} (au lieu de ${describeValue(check.min, check.unit)})`);
        }
      }
      for (const place of explanation.places ?? []) {
        const suffix = place.importance === 'required' ? '' : ' (souhaité)';
        checks.append(el('li', `${place.passes ? '✓' : '✗'} ${place.text}${suffix}`, place.passes ? 'pass place-check' : 'fail place-check'));
      }
      this.panel.append(el('h3', 'Vos critères ici'), checks);
      if (toGreen.length > 0) {
        const list = el('ul', undefined, 'to-green');
        for (const line of toGreen) list.append(el('li', line));
        this.panel.append(el('h3', 'Pour que cette dalle passe au vert'), list);
      }
    }

    const listingBlock = el('div', undefined, 'tile-listings');
    if (listings.listings.length === 0) {
      listingBlock.append(el('p', 'Aucune annonce sur cette dalle pour le moment.'));
    } else {
      for (const [kind, label] of Object.entries(kKindLabels)) {
        const ofKind = listings.listings.filter((listing) => listing.kind === kind);
        if (ofKind.length === 0) continue;
        const list = el('ul');
        for (const listing of ofKind) {
          const text = listing.price_eur !== undefined ? `${listing.title} — ${formatNumber(listing.price_eur)} €` : listing.title;
          const item = el('li', listing.demo ? `${text} (donnée de démonstration)` : text);
          if (kind === 'housing' && this.signedIn) {
            const keep = el('button', 'Mettre en mémoire', 'link save-property');
            keep.type = 'button';
            keep.setAttribute('aria-label', `Mettre en mémoire : ${listing.title}`);
            keep.addEventListener('click', () => void this.saveProperty(listing.id, keep));
            item.append(' ', keep);
          }
          list.append(item);
        }
        listingBlock.append(el('h4', `${label} (${ofKind.length})`), list);
      }
    }
    this.panel.append(el('h3', 'Annonces'), listingBlock);
    this.panel.focus();
  }
}

// Runs `run` once `element` is within 200 px of the viewport (at once without
// IntersectionObserver).
function whenVisible(element: Element, run: () => void): void {
  if (!('IntersectionObserver' in window)) {
    run();
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      run();
    },
    { rootMargin: '200px' },
  );
  observer.observe(element);
}

function describeRelax(hint: SearchAnswer['relax'][number]): string {
  const label = hint.label ?? hint.criterion;
  const extra = hint.extra_green ?? hint.more_green;
  return extra !== undefined ? `Sans « ${label} » : ${formatNumber(extra)} dalle(s) verte(s) de plus.` : label;
}

const root = document.querySelector<HTMLElement>('#recherche');
if (root) {
  const page = new SearchPage(root);
  // For the browser tests: the map, to click a place by its coordinates.
  (window as unknown as { vivrovertSearch: SearchPage }).vivrovertSearch = page;
}
