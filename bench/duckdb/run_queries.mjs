// The DuckDB side of the search benchmark (bench/README.md): loads one level of a grid,
// exported as CSV by `vivrovert grid export`, into an in-memory DuckDB with one thread,
// then runs every query file of a directory as SQL:
//   (a) the green count, and the green ids (ORDER BY tile_id) written to <out>/<q>.green.txt;
//   (b) the scored top-500 (score formula: EngineScoreSql below) written to <out>/<q>.top500.tsv.
// It times (a)'s count and (b) over --runs runs after one warm-up and writes the medians to
// <out>/timings.tsv (query, green_count, count_ms, top500_ms), the format the engine's
// vivrovert_bench_search writes too, so bench/compare_results.mjs can compare them.
//
//   node bench/duckdb/run_queries.mjs --csv grid-1km.csv --queries DIR --out DIR [--runs 5]
//
// Runs offline: DuckDB's CSV reader is built in; extension auto-install is switched off.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const TOP_K = 500;

function ParseArgs(argv) {
  const args = { runs: 5 };
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (value === undefined) throw new Error(`missing value after ${name}`);
    if (name === '--csv') args.csv = value;
    else if (name === '--queries') args.queries = value;
    else if (name === '--out') args.out = value;
    else if (name === '--runs') args.runs = Number.parseInt(value, 10);
    else throw new Error(`unknown option ${name}`);
  }
  if (!args.csv || !args.queries || !args.out || !(args.runs >= 1)) {
    throw new Error('usage: run_queries.mjs --csv FILE --queries DIR --out DIR [--runs N]');
  }
  return args;
}

function CsvHeader(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(65536);
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const text = buffer.subarray(0, length).toString('utf8');
  const end = text.indexOf('\n');
  if (end < 0) throw new Error(`${path}: no header line`);
  return text.slice(0, end).replace(/\r$/, '').split(',');
}

const Quote = (identifier) => `"${identifier.replaceAll('"', '""')}"`;
// Bounds as DOUBLE parsed from their shortest round-trip text: the exact double of the
// query file, compared with the exact doubles of the CSV (not a DECIMAL literal).
const Double = (value) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`bound ${value} is not a finite number`);
  return `'${String(value)}'::DOUBLE`;
};

// Required constraints: value present and min ≤ value ≤ max. A comparison with NULL is
// NULL, which WHERE drops: a missing value fails, as in the engine.
function RequiredWhereSql(constraints) {
  const terms = [];
  for (const constraint of constraints) {
    if (constraint.importance !== 'required') continue;
    const column = Quote(constraint.criterion);
    if (constraint.min !== undefined) terms.push(`${column} >= ${Double(constraint.min)}`);
    if (constraint.max !== undefined) terms.push(`${column} <= ${Double(constraint.max)}`);
  }
  return terms.length === 0 ? 'TRUE' : terms.join(' AND ');
}

// ============================================================================
// THE ENGINE'S SCORE FORMULA — keep in step with src/engine/search_engine.hpp.
//   score = Σ_preferred weight × s / Σ_preferred weight, 1 when there is no preferred
//   constraint; s = 1 inside [min, max]; outside, max(0, 1 − distance to the nearest
//   bound / spread), spread = max − min of the criterion's values at the level, or 1
//   when that is not positive (one value, or none); s = 0 when the value is missing.
//   Ranking: score descending, then tile id ascending.
// Terms are summed in the order of the request, as the engine does.
// ============================================================================
function EngineScoreSql(constraints, spreads) {
  const preferred = constraints.filter((constraint) => constraint.importance === 'preferred');
  if (preferred.length === 0) return '1.0::DOUBLE';
  let weights = 0;
  const terms = preferred.map((constraint) => {
    const weight = constraint.weight ?? 1;
    weights += weight;
    const column = Quote(constraint.criterion);
    const range = spreads.get(constraint.criterion) ?? 0;
    const spread = range > 0 ? range : 1;
    const outside = (distance) => `greatest(0.0::DOUBLE, 1.0::DOUBLE - (${distance}) / ${Double(spread)})`;
    const branches = [`WHEN ${column} IS NULL THEN 0.0::DOUBLE`];
    if (constraint.min !== undefined) {
      branches.push(`WHEN ${column} < ${Double(constraint.min)} THEN ${outside(`${Double(constraint.min)} - ${column}`)}`);
    }
    if (constraint.max !== undefined) {
      branches.push(`WHEN ${column} > ${Double(constraint.max)} THEN ${outside(`${column} - ${Double(constraint.max)}`)}`);
    }
    return `${Double(weight)} * (CASE ${branches.join(' ')} ELSE 1.0::DOUBLE END)`;
  });
  return `(${terms.join(' + ')}) / ${Double(weights)}`;
}

function Median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function TimeMedian(connection, sql, runs) {
  await connection.runAndReadAll(sql);  // warm-up
  const times = [];
  let reader = null;
  for (let run = 0; run < runs; ++run) {
    const start = performance.now();
    reader = await connection.runAndReadAll(sql);
    reader.getRows();
    times.push(performance.now() - start);
  }
  return { ms: Median(times), reader };
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const header = CsvHeader(args.csv);
  if (header[0] !== 'tile_id' || header[1] !== 'level' || header[2] !== 'commune_codes') {
    throw new Error(`${args.csv}: not a \`vivrovert grid export\` CSV (header ${header.slice(0, 3).join(',')})`);
  }
  const criteria = header.slice(3);
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '1',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  await connection.run('SET threads = 1');

  const columnTypes = [
    `'tile_id': 'VARCHAR'`, `'level': 'VARCHAR'`, `'commune_codes': 'VARCHAR'`,
    ...criteria.map((id) => `'${id}': 'DOUBLE'`),
  ].join(', ');
  const loadStart = performance.now();
  await connection.run(
    `CREATE TABLE tiles AS SELECT * FROM read_csv('${args.csv.replaceAll("'", "''")}', header = true, ` +
      `delim = ',', quote = '"', columns = {${columnTypes}})`,
  );
  const loadMs = performance.now() - loadStart;
  const levelRows = (await connection.runAndReadAll('SELECT DISTINCT level FROM tiles')).getRows();
  const levels = levelRows.map((row) => row[0]);
  const tileCount = Number((await connection.runAndReadAll('SELECT count(*) FROM tiles')).getRows()[0][0]);
  const spreadRow = (
    await connection.runAndReadAll(
      `SELECT ${criteria.map((id) => `max(${Quote(id)}) - min(${Quote(id)})`).join(', ')} FROM tiles`,
    )
  ).getRows()[0];
  const spreads = new Map(criteria.map((id, index) => [id, spreadRow[index] === null ? 0 : Number(spreadRow[index])]));
  console.log(
    `duckdb: ${tileCount} tiles (level ${levels.join(',')}) loaded from ${basename(args.csv)} in ` +
      `${(loadMs / 1000).toFixed(1)} s; threads = 1; ${args.runs} timed runs per query`,
  );

  mkdirSync(args.out, { recursive: true });
  const files = readdirSync(args.queries).filter((name) => name.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no *.json query in ${args.queries}`);
  const timings = ['query\tgreen_count\tcount_ms\ttop500_ms'];
  const countTimes = [];
  const topTimes = [];
  for (const file of files) {
    const name = file.slice(0, -'.json'.length);
    const request = JSON.parse(readFileSync(join(args.queries, file), 'utf8'));
    if (!levels.includes(request.level)) {
      throw new Error(`${file}: level ${request.level}, but the CSV holds level ${levels.join(',')}`);
    }
    for (const constraint of request.criteria) {
      if (!criteria.includes(constraint.criterion)) throw new Error(`${file}: unknown criterion ${constraint.criterion}`);
    }
    const where = RequiredWhereSql(request.criteria);
    const count = await TimeMedian(connection, `SELECT count(*) FROM tiles WHERE ${where}`, args.runs);
    const greenCount = Number(count.reader.getRows()[0][0]);
    const ids = (await connection.runAndReadAll(`SELECT tile_id FROM tiles WHERE ${where} ORDER BY tile_id`)).getRows();
    if (ids.length !== greenCount) throw new Error(`${file}: ${ids.length} ids for a count of ${greenCount}`);
    writeFileSync(join(args.out, `${name}.green.txt`), ids.map((row) => `${row[0]}\n`).join(''));
    const top = await TimeMedian(
      connection,
      `SELECT tile_id, ${EngineScoreSql(request.criteria, spreads)} AS score FROM tiles WHERE ${where} ` +
        `ORDER BY score DESC, tile_id ASC LIMIT ${TOP_K}`,
      args.runs,
    );
    writeFileSync(
      join(args.out, `${name}.top500.tsv`),
      top.reader.getRows().map((row) => `${row[0]}\t${String(row[1])}\n`).join(''),
    );
    timings.push(`${name}\t${greenCount}\t${count.ms.toFixed(4)}\t${top.ms.toFixed(4)}`);
    countTimes.push(count.ms);
    topTimes.push(top.ms);
    console.log(
      `${name}  green ${String(greenCount).padStart(7)} (${((100 * greenCount) / tileCount).toFixed(2).padStart(6)} %)  ` +
        `count ${count.ms.toFixed(2).padStart(7)} ms  top-${TOP_K} ${top.ms.toFixed(2).padStart(7)} ms`,
    );
  }
  writeFileSync(join(args.out, 'timings.tsv'), `${timings.join('\n')}\n`);
  console.log(
    `duckdb: ${files.length} queries; median count ${Median(countTimes).toFixed(2)} ms, ` +
      `median top-${TOP_K} ${Median(topTimes).toFixed(2)} ms`,
  );
  connection.closeSync();
}

Main().catch((error) => {
  console.error(`run_queries.mjs: ${error.message}`);
  process.exit(1);
});
