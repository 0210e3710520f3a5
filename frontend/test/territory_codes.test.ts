import assert from 'node:assert/strict';
import { test } from 'node:test';

import { departementOfCommune, parseCodes, toggleCode } from '../src/territory_codes';

test('the codes of the field are read as the server reads them', () => {
  assert.deepEqual(parseCodes(' 46042, 46102;46224\n46042 '), ['46042', '46102', '46224']);
  assert.deepEqual(parseCodes(''), []);
});

test('a click adds a code at the end, or removes it', () => {
  assert.equal(toggleCode('46042 46102', '46224'), '46042 46102 46224');
  assert.equal(toggleCode('46042, 46102', '46042'), '46102');
  assert.equal(toggleCode('', '46042'), '46042');
});

test('the département of a commune', () => {
  assert.equal(departementOfCommune('46042'), '46');
  assert.equal(departementOfCommune('2A004'), '2A');
  assert.equal(departementOfCommune('200023737'), null);
  assert.equal(departementOfCommune('Cahors'), null);
});
