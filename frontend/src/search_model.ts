// The search page's pure parts: from the form's inputs to the API request, and French
// number formatting. Tested without a browser (test/search_model.test.ts).

export interface CriterionInput {
  criterion: string;
  bound: 'min' | 'max';
  importance: string;  // "", "required", "preferred-3", "preferred-1"
  value: number | null;
}

export interface Constraint {
  criterion: string;
  importance: 'required' | 'preferred';
  weight?: number;
  min?: number;
  max?: number;
}

// One of the person's own places ("mes lieux"), as the API takes it: coordinates picked on
// the map, or a commune code typed; a largest straight-line distance.
export interface Place {
  name: string;
  lat?: number;
  lon?: number;
  commune?: string;
  address?: string;
  max_km: number;
  importance: 'required' | 'preferred';
  weight?: number;
}

export const kMaxPlaces = 8;

export interface SearchRequest {
  level: '5km' | '1km';
  criteria: Constraint[];
  places?: Place[];
}

// "12,5", "1 250", "-3" → numbers; anything else (or empty) → null.
export function parseBound(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (cleaned === '' || !/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

export function formatNumber(value: number, fractionDigits?: number): string {
  const digits = fractionDigits ?? (Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 2);
  return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
}

export function describeValue(value: number | null, unit: string): string {
  return value === null ? 'inconnue' : `${formatNumber(value)} ${unit}`.trim();
}

// Indifferent criteria are left out; a criterion given an importance but no bound is
// ignored too (nothing to check).
// Places are added as they are (the API checks them and names a bad one).
export function buildRequest(inputs: CriterionInput[], level: '5km' | '1km', places: Place[] = []): SearchRequest {
  const criteria: Constraint[] = [];
  for (const input of inputs) {
    if (input.importance === '' || input.value === null) continue;
    const constraint: Constraint =
      input.importance === 'required'
        ? { criterion: input.criterion, importance: 'required' }
        : { criterion: input.criterion, importance: 'preferred', weight: input.importance === 'preferred-3' ? 3 : 1 };
    constraint[input.bound] = input.value;
    criteria.push(constraint);
  }
  return places.length > 0 ? { level, criteria, places } : { level, criteria };
}

// The form's fields for a new place: a name, a distance, and either a point picked on the
// map or a commune code. Returns the place, or the French reason it cannot be added.
export function placeFromInputs(fields: {
  name: string;
  maxKm: string;
  importance: string;
  commune: string;
  address: string;
  point: { lat: number; lon: number } | null;
}): Place | string {
  const name = fields.name.trim();
  if (name === '') return 'Donnez un nom au lieu (par exemple « travail de Léa »).';
  const maxKm = parseBound(fields.maxKm);
  if (maxKm === null || maxKm <= 0) return 'Indiquez une distance maximale en km, plus grande que 0.';
  const commune = fields.commune.trim().toUpperCase();
  if (!fields.point && commune === '') return 'Choisissez le lieu sur la carte ou tapez le code INSEE de sa commune.';
  if (!fields.point && !/^[0-9][0-9AB][0-9]{3}$/.test(commune)) return 'Le code INSEE d\'une commune a 5 caractères (ex. 46042).';
  const place: Place =
    fields.importance === 'preferred'
      ? { name, max_km: maxKm, importance: 'preferred', weight: 3 }
      : { name, max_km: maxKm, importance: 'required' };
  if (fields.point) {
    place.lat = Math.round(fields.point.lat * 1e6) / 1e6;
    place.lon = Math.round(fields.point.lon * 1e6) / 1e6;
  } else {
    place.commune = commune;
    if (fields.address.trim() !== '') place.address = fields.address.trim();
  }
  return place;
}

// "travail de Léa — 25 km max, indispensable (point choisi sur la carte)".
export function describePlace(place: Place): string {
  const where = place.commune ? `commune ${place.commune}${place.address ? `, ${place.address}` : ''}` : 'point choisi sur la carte';
  const importance = place.importance === 'required' ? 'indispensable' : 'souhaité';
  return `${place.name} — ${formatNumber(place.max_km, 1)} km max à vol d'oiseau, ${importance} (${where})`;
}

export interface PlaceHint {
  gain_if_dropped: number;
  relaxable: boolean;
  suggestion: { max_km: number };
  green_with_suggestion: number;
  doubles: boolean;
}

// "Jusqu'à 31,2 km de « travail de Léa » : 840 dalles vertes (au lieu de 25 km)."
export function describePlaceHint(name: string, maxKm: number, hint: PlaceHint): string {
  if (!hint.relaxable) return `« ${name} » : aucune dalle de plus en s'en éloignant.`;
  return `Jusqu'à ${formatNumber(hint.suggestion.max_km, 1)} km de « ${name} » (au lieu de ${formatNumber(maxKm, 1)}) : ${formatNumber(hint.green_with_suggestion)} dalle(s) verte(s).`;
}

// Listing kinds in the order the page lists them, singular and plural.
const kKindCountNames: [string, string, string][] = [
  ['housing', 'logement', 'logements'],
  ['job', 'emploi', 'emplois'],
  ['business', 'activité à reprendre', 'activités à reprendre'],
  ['leisure', 'loisir', 'loisirs'],
  ['poi', "point d'intérêt", "points d'intérêt"],
  ['cv', 'CV', 'CV'],
];

// A tile's active listings by kind ({"housing": 2, "job": 1}) in French: "2 logements,
// 1 emploi"; "aucune annonce" when there is none. Unknown kinds are left out.
export function describeListingCounts(counts: Record<string, number>): string {
  const parts: string[] = [];
  for (const [kind, one, many] of kKindCountNames) {
    const count = counts[kind] ?? 0;
    if (count > 0) parts.push(`${formatNumber(count)} ${count > 1 ? many : one}`);
  }
  return parts.length === 0 ? 'aucune annonce' : parts.join(', ');
}

// "— 2 critères choisis" beside the name of a folded theme of criteria, nothing when none is.
export function describeChosen(count: number): string {
  if (count <= 0) return '';
  return count === 1 ? '— 1 critère choisi' : `— ${formatNumber(count)} critères choisis`;
}
