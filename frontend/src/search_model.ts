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

export interface SearchRequest {
  level: '5km' | '1km';
  criteria: Constraint[];
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
export function buildRequest(inputs: CriterionInput[], level: '5km' | '1km'): SearchRequest {
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
  return { level, criteria };
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
