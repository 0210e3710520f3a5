import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeCluster, describePoint, kindColor, poiUrl, type PoiKind } from '../src/poi_model';

const station: PoiKind = { criterion: 'dist_station_km', label: 'Gare', publisher: 'SNCF', dataset: 'Gares de voyageurs', vintage: '2024', url: '', count: 2 };
const doctor: PoiKind = { criterion: 'dist_doctor_km', label: 'Médecin', publisher: 'Insee', dataset: 'BPE', vintage: '', url: '', count: 0 };

test('the request names the view, rounded, the zoom and the kinds asked', () => {
  assert.equal(poiUrl({ west: 1.3000001, south: 44.3, east: 2.2, north: 44.8 }, 10.4, null),
    '/api/v1/map/pois?bbox=1.30000,44.30000,2.20000,44.80000&zoom=10');
  assert.equal(poiUrl({ west: -200, south: -89, east: 2, north: 89 }, 3, ['dist_station_km', 'dist_doctor_km']),
    '/api/v1/map/pois?bbox=-180.00000,-85.00000,2.00000,85.00000&zoom=3&kinds=dist_station_km%2Cdist_doctor_km');
});

test('a point says its name, kind, commune and source; one without a name says its kind', () => {
  assert.deepEqual(describePoint({ kind: 'dist_station_km', name: 'Cahors', commune: '46042' }, station),
    ['Cahors — Gare', 'Commune 46042', 'Source : SNCF, Gares de voyageurs (2024)']);
  assert.deepEqual(describePoint({ kind: 'dist_doctor_km', name: '', commune: '' }, doctor),
    ['Médecin', 'Source : Insee, BPE']);
});

test('a cluster lists its kinds, most first', () => {
  assert.deepEqual(describeCluster({ cluster: true, count: 1203, kinds: { dist_station_km: 3, dist_doctor_km: 1200 } }, [station, doctor]),
    ['1\u202f203 équipements — zoomez pour les voir', 'Médecin : 1\u202f200', 'Gare : 3']);
});

test('colours cycle and never fail', () => {
  assert.equal(kindColor(0), kindColor(12));
  assert.notEqual(kindColor(0), kindColor(1));
  assert.equal(typeof kindColor(-1), 'string');
});
