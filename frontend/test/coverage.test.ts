import assert from 'node:assert/strict';
import { test } from 'node:test';

import { coveragePercent, describeCoverage } from '../src/coverage';

test('coverage shares are said in whole percents, never as 0 % when some tiles have a value', () => {
  assert.equal(coveragePercent(0.012), '1 %');
  assert.equal(coveragePercent(0.004), 'moins de 1 %');
  assert.equal(coveragePercent(0.17), '17 %');
});

test('a partial criterion says where its values are and what it means for the others', () => {
  assert.equal(
    describeCoverage({ criterion: 'dist_school_km', label: 'École', share: 0.0104, where: 'Ille-et-Vilaine' }),
    'École : données pour 1 % des dalles (Ille-et-Vilaine) — les autres ne peuvent pas passer au vert.',
  );
  assert.equal(
    describeCoverage({ criterion: 'altitude_m', label: 'Altitude', share: 0.4, where: '' }),
    'Altitude : données pour 40 % des dalles — les autres ne peuvent pas passer au vert.',
  );
  assert.match(describeCoverage({ criterion: 'x', label: 'X', share: 0, where: '' }), /aucune dalle ne peut passer au vert/);
});
