// Partial coverage said where it bites: a required criterion whose values exist on part of
// the grid only keeps every other tile from turning green. After each search the page
// (search.ts) calls showCoverage(), which writes a note under each such criterion and beside
// the green-tile count, each with a one-click switch to "Important" (preferred) instead.
// The coverage comes from the grid file (data-coverage and data-coverage-where on the
// criterion's row, written by the server from GET /api/v1/criteria's coverage and
// coverage_where at 5 km), never from text written by hand.
import { formatNumber } from './search_model';

export interface PartialCriterion {
  criterion: string;
  label: string;
  share: number;  // of the 5 km tiles with a value, in [0, 1)
  where: string;  // "Ille-et-Vilaine", "Lot et Corrèze", or "" when spread wider
}

// "1 %", "moins de 1 %", "17 %".
export function coveragePercent(share: number): string {
  const percent = Math.round(share * 100);
  if (percent === 0 && share > 0) return 'moins de 1 %';
  return `${formatNumber(percent, 0)} %`;
}

// "École : données pour 1 % des dalles (Ille-et-Vilaine) — les autres ne peuvent pas passer
// au vert."
export function describeCoverage(partial: PartialCriterion): string {
  const where = partial.where === '' ? '' : ` (${partial.where})`;
  if (partial.share <= 0) return `${partial.label} : aucune donnée — aucune dalle ne peut passer au vert.`;
  return `${partial.label} : données pour ${coveragePercent(partial.share)} des dalles${where} — les autres ne peuvent pas passer au vert.`;
}

// The criterion rows that are required, bounded and partial.
function partialRequired(form: HTMLFormElement): { row: HTMLElement; partial: PartialCriterion }[] {
  const found: { row: HTMLElement; partial: PartialCriterion }[] = [];
  form.querySelectorAll<HTMLElement>('.criterion[data-coverage]').forEach((row) => {
    const importance = row.querySelector<HTMLSelectElement>('select.importance');
    const text = row.querySelector<HTMLInputElement>('.bound-text');
    if (!importance || importance.value !== 'required' || !text || text.value.trim() === '') return;
    const share = Number(row.dataset.coverage);
    if (!Number.isFinite(share)) return;
    found.push({
      row,
      partial: {
        criterion: row.dataset.criterion ?? '',
        label: row.querySelector('.criterion-title strong')?.textContent?.trim() ?? row.dataset.criterion ?? '',
        share,
        where: row.dataset.coverageWhere ?? '',
      },
    });
  });
  return found;
}

function note(tag: 'p' | 'li', partial: PartialCriterion, row: HTMLElement): HTMLElement {
  const item = document.createElement(tag);
  item.className = 'coverage-note';
  item.dataset.criterion = partial.criterion;
  item.append(document.createTextNode(`${describeCoverage(partial)} `));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link make-preferred';
  button.textContent = 'Rendre préférentiel';
  button.setAttribute('aria-label', `Rendre « ${partial.label} » préférentiel (important) au lieu d'indispensable`);
  button.addEventListener('click', () => {
    const importance = row.querySelector<HTMLSelectElement>('select.importance');
    if (!importance) return;
    importance.value = 'preferred-3';
    // search.ts listens to the change: it searches again, then calls showCoverage().
    importance.dispatchEvent(new Event('change', { bubbles: true }));
  });
  item.append(button);
  return item;
}

// Writes the notes of the form's partial required criteria: one under each such criterion,
// and the list of them in `notes` (beside the count), hidden when there is none.
export function showCoverage(form: HTMLFormElement, notes: HTMLElement | null): void {
  form.querySelectorAll('.criterion > .coverage-note').forEach((old) => old.remove());
  const partials = partialRequired(form);
  for (const { row, partial } of partials) row.append(note('p', partial, row));
  if (!notes) return;
  notes.replaceChildren();
  notes.hidden = partials.length === 0;
  if (partials.length === 0) return;
  const list = document.createElement('ul');
  for (const { row, partial } of partials) list.append(note('li', partial, row));
  notes.append(list);
}
