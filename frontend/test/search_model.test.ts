import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buildRequest,
  describeChosen,
  describeListingCounts,
  describePlaceHint,
  formatNumber,
  parseBound,
  placeFromInputs,
} from '../src/search_model';

test('bounds are read the French way', () => {
  assert.equal(parseBound('12,5'), 12.5);
  assert.equal(parseBound('1 250'), 1250);
  assert.equal(parseBound('-3'), -3);
  assert.equal(parseBound(''), null);
  assert.equal(parseBound('douze'), null);
  assert.equal(parseBound('1,2,3'), null);
});

test('numbers are written the French way', () => {
  assert.equal(formatNumber(12.5), '12,5');
  assert.equal(formatNumber(1250).replace(/\s/g, ' '), '1 250');
});

test('the request keeps only criteria with an importance and a bound', () => {
  const request = buildRequest(
    [
      { criterion: 'density', bound: 'max', importance: 'required', value: 50 },
      { criterion: 'fibre_pct', bound: 'min', importance: 'preferred-3', value: 80 },
      { criterion: 'altitude_m', bound: 'max', importance: '', value: 500 },
      { criterion: 'dist_station_km', bound: 'max', importance: 'required', value: null },
    ],
    '5km',
  );
  assert.deepEqual(request, {
    level: '5km',
    criteria: [
      { criterion: 'density', importance: 'required', max: 50 },
      { criterion: 'fibre_pct', importance: 'preferred', weight: 3, min: 80 },
    ],
  });
});

test('listing counts are written in French, plural when needed, in the page order', () => {
  assert.equal(describeListingCounts({ job: 1, housing: 2 }), '2 logements, 1 emploi');
  assert.equal(describeListingCounts({ poi: 3, business: 1, cv: 2 }), "1 activité à reprendre, 3 points d'intérêt, 2 CV");
  assert.equal(describeListingCounts({}), 'aucune annonce');
  assert.equal(describeListingCounts({ housing: 0, unknown: 4 }), 'aucune annonce');
});

test('places: picked on the map or typed as a commune, checked before they are added', () => {
  const picked = placeFromInputs({ name: ' travail de Léa ', maxKm: '25', importance: 'required', commune: '', address: '', point: { lat: 45.1581234567, lon: 1.5331234567 } });
  assert.deepEqual(picked, { name: 'travail de Léa', max_km: 25, importance: 'required', lat: 45.158123, lon: 1.533123 });
  const typed = placeFromInputs({ name: 'travail de Sam', maxKm: '12,5', importance: 'preferred', commune: '2a004', address: 'cours Napoléon', point: null });
  assert.deepEqual(typed, { name: 'travail de Sam', max_km: 12.5, importance: 'preferred', weight: 3, commune: '2A004', address: 'cours Napoléon' });
  assert.match(String(placeFromInputs({ name: '', maxKm: '5', importance: 'required', commune: '46042', address: '', point: null })), /nom/);
  assert.match(String(placeFromInputs({ name: 'x', maxKm: '0', importance: 'required', commune: '46042', address: '', point: null })), /distance/);
  assert.match(String(placeFromInputs({ name: 'x', maxKm: '5', importance: 'required', commune: '', address: '', point: null })), /carte/);
  assert.match(String(placeFromInputs({ name: 'x', maxKm: '5', importance: 'required', commune: 'Cahors', address: '', point: null })), /INSEE/);
  const request = buildRequest([], '5km', [picked as never]);
  assert.deepEqual(request.places?.length, 1);
  assert.equal(buildRequest([], '5km').places, undefined);
});

test("a place's relaxation hint is written in French", () => {
  const hint = { gain_if_dropped: 900, relaxable: true, suggestion: { max_km: 31.2 }, green_with_suggestion: 840, doubles: true };
  assert.equal(describePlaceHint('travail de Léa', 25, hint), 'Jusqu\'à 31,2 km de « travail de Léa » (au lieu de 25) : 840 dalle(s) verte(s).');
});

test('a folded theme says how many of its criteria are chosen', () => {
  assert.equal(describeChosen(0), '');
  assert.equal(describeChosen(1), '— 1 critère choisi');
  assert.equal(describeChosen(3), '— 3 critères choisis');
});
