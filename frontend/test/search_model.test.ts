import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildRequest, describeListingCounts, formatNumber, parseBound } from '../src/search_model';

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
