// The DuckDB side of the matching benchmark (bench/README.md, "Matching listings to
// people"): loads the generator's CSV files into an in-memory DuckDB with one thread,
// then finds, for every listing at once, the people it fits as ONE SQL query
// (../matching_batch.sql: joins on tiles, communes and the rows' runs of green tiles,
// then the wishes),
// times it (median of --runs after one warm-up, planning included) and writes the pairs
// to <out>/pairs.csv (listing_id,user_id ordered by both) and <out>/timings.json.
//
//   node bench/duckdb/run_matching.mjs --data DIR --out DIR [--runs 5]
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

function ParseArgs(argv) {
  const args = { runs: 5 };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index], argv[index + 1]];
    if (value === undefined) throw new Error(`missing value after ${name}`);
    if (name === '--data') args.data = value;
    else if (name === '--out') args.out = value;
    else if (name === '--runs') args.runs = Number.parseInt(value, 10);
    else throw new Error(`unknown option ${name}`);
  }
  if (!args.data || !args.out || !(args.runs >= 1)) throw new Error('usage: run_matching.mjs --data DIR --out DIR [--runs N]');
  return args;
}

// Column types are given, never guessed: commune codes keep their leading zeros and "2A".
const TABLES = {
  persons: {
    user_id: 'BIGINT', notification: 'INTEGER', kinds: 'INTEGER', tenure: 'INTEGER', property_type: 'INTEGER',
    rooms_min: 'BIGINT', surface_min: 'DOUBLE', price_max: 'DOUBLE', business_sector: 'VARCHAR',
    business_budget: 'DOUBLE', skill_count: 'INTEGER',
  },
  person_skills: { user_id: 'BIGINT', rome: 'INTEGER' },
  person_tiles: { user_id: 'BIGINT', tile: 'UINTEGER' },
  person_communes: { user_id: 'BIGINT', commune: 'VARCHAR' },
  search_runs: { user_id: 'BIGINT', north: 'INTEGER', east_lo: 'INTEGER', east_hi: 'INTEGER' },
  listings: {
    listing_id: 'BIGINT', kind: 'INTEGER', tile1: 'UINTEGER', tile5: 'UINTEGER', north: 'INTEGER', east: 'INTEGER',
    commune: 'VARCHAR', is_rent: 'INTEGER', property_type: 'INTEGER', rooms: 'BIGINT', surface: 'DOUBLE',
    price: 'DOUBLE', rome: 'INTEGER', sector: 'VARCHAR',
  },
};

// The batch as one SQL query, shared with the PostgreSQL side (bench/matching_batch.sql;
// its fit conditions are kept in step with FitsWishes in src/domain/matching/fit_rules.cpp).
const MatchSql = readFileSync(new URL('../matching_batch.sql', import.meta.url), 'utf8');

const args = ParseArgs(process.argv.slice(2));
const instance = await DuckDBInstance.create(':memory:', {
  threads: '1',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
});
const connection = await instance.connect();

let started = performance.now();
for (const [table, columns] of Object.entries(TABLES)) {
  const types = Object.entries(columns).map(([name, type]) => `'${name}': '${type}'`).join(', ');
  const path = join(args.data, `${table}.csv`).replaceAll("'", "''");
  await connection.run(
    `CREATE TABLE ${table} AS SELECT * FROM read_csv('${path}', header = true, columns = {${types}}, nullstr = '')`);
}
const loadSeconds = (performance.now() - started) / 1000;

// Wall time, and the process's CPU time (user + system): on a machine shared with builds
// the wall clock also counts the time others held the core. With threads = 1 the process
// CPU time is DuckDB's one worker plus node's idle threads.
const times = [];
const cpuTimes = [];
let rows = null;
for (let run = 0; run <= args.runs; ++run) {
  started = performance.now();
  const cpuStarted = process.cpuUsage();
  const reader = await connection.runAndReadAll(MatchSql);
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  if (run === 0) {
    rows = reader.getRows();  // the warm-up's answer
  } else {
    times.push(elapsed);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);

mkdirSync(args.out, { recursive: true });
const lines = ['listing_id,user_id'];
for (const [listingId, userId] of rows) lines.push(`${listingId},${userId}`);
writeFileSync(join(args.out, 'pairs.csv'), lines.join('\n') + '\n');
const timings = {
  pairs: rows.length,
  load_csv_s: loadSeconds,
  batch_median_ms: times[Math.floor(times.length / 2)],
  batch_runs_ms: times,
  batch_cpu_median_ms: cpuTimes[Math.floor(cpuTimes.length / 2)],
  threads: 1,
};
writeFileSync(join(args.out, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
console.log(JSON.stringify(timings, null, 2));
