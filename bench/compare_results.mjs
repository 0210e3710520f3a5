// Checks and reports one benchmark run (called by bench/compare.sh): the engine's and
// DuckDB's answers to the same queries, and their timings.
//
//   node bench/compare_results.mjs --queries DIR --duckdb DIR [--engine DIR]
//        [--bandwidth FILE.json] [--bandwidth-cached FILE.json] [--title TEXT] [--summary FILE.json]
//
// Each side's directory holds, per query <q> (from <q>.json in the query directory):
//   <q>.green.txt    the green tile ids, one per line, sorted ascending (byte order)
//   <q>.top500.tsv   the top 500 green tiles, ranked: "<tile id>\t<score>" per line
// and timings.tsv: "query\tgreen_count\tcount_ms\ttop500_ms" (medians in ms).
// Checks: DuckDB's green count equals the generator's brute-force count (manifest.tsv);
// the engine's green ids equal DuckDB's exactly; the top-500 lists are equal, allowing
// only reorderings among scores equal within 1e-9 (floating-point summation order).
// Exit status 1 when any check fails.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCORE_EPSILON = 1e-9;

function ParseArgs(argv) {
  const args = {};
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index].replace(/^--/, '');
    if (argv[index + 1] === undefined) throw new Error(`missing value after ${argv[index]}`);
    args[name] = argv[index + 1];
  }
  if (!args.queries || !args.duckdb) {
    throw new Error('usage: compare_results.mjs --queries DIR --duckdb DIR [--engine DIR] [--bandwidth FILE]');
  }
  return args;
}

function ReadTsv(path) {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
  const header = lines[0].split('\t');
  return lines.slice(1).map((line) => Object.fromEntries(line.split('\t').map((cell, index) => [header[index], cell])));
}

function ReadTimings(dir) {
  return new Map(ReadTsv(join(dir, 'timings.tsv')).map((row) => [row.query, row]));
}

function ReadLines(path) {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
}

function ReadTop(path) {
  return ReadLines(path).map((line) => {
    const [id, score] = line.split('\t');
    return { id, score: Number(score) };
  });
}

function Median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function CompareGreen(expected, actual) {
  if (expected.length === actual.length && expected.every((id, index) => id === actual[index])) return null;
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const missing = expected.filter((id) => !actualSet.has(id));
  const extra = actual.filter((id) => !expectedSet.has(id));
  if (missing.length === 0 && extra.length === 0) return 'same ids, not sorted ascending';
  return `${actual.length} ids vs ${expected.length}: ${missing.length} missing (e.g. ${missing[0] ?? '-'}), ` +
    `${extra.length} extra (e.g. ${extra[0] ?? '-'})`;
}

// null when equal; 'near-ties' when equal up to the order (or the cut) of scores within
// SCORE_EPSILON of each other (not exactly equal: exact ties must be ordered by tile id,
// which the first loop checks on the engine's own scores); otherwise what differs.
function CompareTop(expected, actual) {
  if (expected.length !== actual.length) return `${actual.length} tiles vs ${expected.length}`;
  for (let rank = 1; rank < actual.length; ++rank) {
    const [before, after] = [actual[rank - 1], actual[rank]];
    if (before.score < after.score || (before.score === after.score && before.id >= after.id)) {
      return `not ranked by score descending then tile id ascending at rank ${rank + 1} (${after.id})`;
    }
  }
  let reordered = false;
  const actualScores = new Map(actual.map((entry) => [entry.id, entry.score]));
  const cutoff = expected.length === 0 ? 0 : expected[expected.length - 1].score;
  for (let rank = 0; rank < expected.length; ++rank) {
    if (Math.abs(expected[rank].score - actual[rank].score) > SCORE_EPSILON) {
      return `rank ${rank + 1}: ${actual[rank].id} score ${actual[rank].score} vs ${expected[rank].id} score ${expected[rank].score}`;
    }
    if (expected[rank].id !== actual[rank].id) reordered = true;
    const other = actualScores.get(expected[rank].id);
    if (other === undefined) {
      if (Math.abs(expected[rank].score - cutoff) > SCORE_EPSILON) return `${expected[rank].id} (rank ${rank + 1}) missing`;
    } else if (Math.abs(other - expected[rank].score) > SCORE_EPSILON) {
      return `${expected[rank].id}: score ${other} vs ${expected[rank].score}`;
    }
  }
  return reordered ? 'near-ties' : null;
}

const Format = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const Pad = (text, width) => String(text).padStart(width);

function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const manifestPath = join(args.queries, 'manifest.tsv');
  const manifest = existsSync(manifestPath) ? new Map(ReadTsv(manifestPath).map((row) => [row.query, row])) : new Map();
  const queries = readdirSync(args.queries).filter((name) => name.endsWith('.json')).sort()
    .map((name) => name.slice(0, -'.json'.length));
  const duckdb = ReadTimings(args.duckdb);
  const haveEngine = args.engine !== undefined && existsSync(join(args.engine, 'timings.tsv'));
  const engine = haveEngine ? ReadTimings(args.engine) : new Map();
  let bandwidth = null;
  if (args.bandwidth && existsSync(args.bandwidth)) bandwidth = JSON.parse(readFileSync(args.bandwidth, 'utf8'));
  const gbps = bandwidth ? bandwidth.median_gbps : NaN;
  let cached = null;
  if (args['bandwidth-cached'] && existsSync(args['bandwidth-cached'])) {
    cached = JSON.parse(readFileSync(args['bandwidth-cached'], 'utf8'));
  }

  const failures = [];
  const rows = [];
  let nearTies = 0;
  for (const query of queries) {
    const base = duckdb.get(query);
    if (!base) {
      failures.push(`${query}: no DuckDB timing`);
      continue;
    }
    const greenCount = Number(base.green_count);
    const planned = manifest.get(query);
    if (planned && Number(planned.green_count) !== greenCount) {
      failures.push(`${query}: DuckDB green count ${greenCount}, generator's brute force ${planned.green_count}`);
    }
    const row = {
      query,
      greenCount,
      share: planned ? Number(planned.green_share) : NaN,
      duckCount: Number(base.count_ms),
      duckTop: Number(base.top500_ms),
      floorCount: planned ? Number(planned.required_bytes) / (gbps * 1e6) : NaN,
      floorTop: planned ? Number(planned.constraint_bytes) / (gbps * 1e6) : NaN,
      engineCount: NaN,
      engineTop: NaN,
      check: haveEngine ? 'ok' : '-',
    };
    if (haveEngine) {
      const measured = engine.get(query);
      if (!measured) {
        failures.push(`${query}: no engine timing`);
        row.check = 'MISSING';
      } else {
        row.engineCount = Number(measured.count_ms);
        row.engineTop = Number(measured.top500_ms);
        if (Number(measured.green_count) !== greenCount) {
          failures.push(`${query}: engine green count ${measured.green_count}, DuckDB ${greenCount}`);
          row.check = 'COUNT';
        }
        const green = CompareGreen(ReadLines(join(args.duckdb, `${query}.green.txt`)),
          ReadLines(join(args.engine, `${query}.green.txt`)));
        if (green) {
          failures.push(`${query}: green ids differ: ${green}`);
          row.check = 'GREEN';
        }
        const top = CompareTop(ReadTop(join(args.duckdb, `${query}.top500.tsv`)),
          ReadTop(join(args.engine, `${query}.top500.tsv`)));
        if (top === 'near-ties') {
          ++nearTies;
          if (row.check === 'ok') row.check = 'ok~';
        } else if (top) {
          failures.push(`${query}: top-500 differs: ${top}`);
          if (row.check === 'ok') row.check = 'TOP';
        }
      }
    }
    rows.push(row);
  }

  if (args.title) console.log(`\n== ${args.title}`);
  if (bandwidth) {
    console.log(`memory bandwidth (one thread, ${bandwidth.buffer_mib} MiB uint16 sum): ` +
      `median ${Format(bandwidth.median_gbps)} GB/s, best ${Format(bandwidth.best_gbps)} GB/s` +
      (cached ? `; over ${cached.buffer_mib} MiB (partly cached): median ${Format(cached.median_gbps)} GB/s` : ''));
  }
  console.log('times in ms (medians); floor = bytes of the constrained columns at storage width / bandwidth');
  console.log(`${'query'.padEnd(7)}${Pad('green', 8)}${Pad('share%', 8)} |${Pad('duck', 8)}${Pad('engine', 8)}` +
    `${Pad('ratio', 7)}${Pad('floor', 7)} |${Pad('duck', 8)}${Pad('engine', 8)}${Pad('ratio', 7)}${Pad('floor', 7)} | check`);
  console.log(`${''.padEnd(23)} | green count${''.padEnd(27)}| scored top-500`);
  for (const row of rows) {
    console.log(`${row.query.padEnd(7)}${Pad(row.greenCount, 8)}${Pad(Format(100 * row.share, 3), 8)} |` +
      `${Pad(Format(row.duckCount), 8)}${Pad(Format(row.engineCount, 3), 8)}${Pad(Format(row.duckCount / row.engineCount, 1), 7)}` +
      `${Pad(Format(row.floorCount, 3), 7)} |${Pad(Format(row.duckTop), 8)}${Pad(Format(row.engineTop, 3), 8)}` +
      `${Pad(Format(row.duckTop / row.engineTop, 1), 7)}${Pad(Format(row.floorTop, 3), 7)} | ${row.check}`);
  }
  const summary = {
    title: args.title ?? '',
    queries: rows.length,
    bandwidth_gbps: bandwidth ? bandwidth.median_gbps : null,
    bandwidth_cached_gbps: cached ? cached.median_gbps : null,
    duckdb_count_median_ms: Median(rows.map((row) => row.duckCount)),
    duckdb_top500_median_ms: Median(rows.map((row) => row.duckTop)),
    floor_count_median_ms: Median(rows.map((row) => row.floorCount).filter(Number.isFinite)),
    floor_top500_median_ms: Median(rows.map((row) => row.floorTop).filter(Number.isFinite)),
    engine: haveEngine,
  };
  console.log(`DuckDB:  median count ${Format(summary.duckdb_count_median_ms)} ms, ` +
    `median top-500 ${Format(summary.duckdb_top500_median_ms)} ms`);
  console.log(`floor:   median count ${Format(summary.floor_count_median_ms, 3)} ms, ` +
    `median top-500 ${Format(summary.floor_top500_median_ms, 3)} ms (all constrained columns)`);
  if (haveEngine) {
    const timed = rows.filter((row) => Number.isFinite(row.engineCount));
    Object.assign(summary, {
      engine_count_median_ms: Median(timed.map((row) => row.engineCount)),
      engine_top500_median_ms: Median(timed.map((row) => row.engineTop)),
      count_ratio_median: Median(timed.map((row) => row.duckCount / row.engineCount)),
      top500_ratio_median: Median(timed.map((row) => row.duckTop / row.engineTop)),
      count_over_floor_median: Median(timed.map((row) => row.engineCount / row.floorCount).filter(Number.isFinite)),
      top500_over_floor_median: Median(timed.map((row) => row.engineTop / row.floorTop).filter(Number.isFinite)),
      mismatches: failures.length,
      near_tie_reorderings: nearTies,
    });
    console.log(`engine:  median count ${Format(summary.engine_count_median_ms, 3)} ms, ` +
      `median top-500 ${Format(summary.engine_top500_median_ms, 3)} ms`);
    console.log(`ratio DuckDB/engine (median of per-query ratios): count ${Format(summary.count_ratio_median, 1)}×, ` +
      `top-500 ${Format(summary.top500_ratio_median, 1)}×`);
    console.log(`engine/floor (median): count ${Format(summary.count_over_floor_median, 2)}×, ` +
      `top-500 ${Format(summary.top500_over_floor_median, 2)}×`);
    console.log(`answers: ${rows.length} queries checked, ` +
      `${failures.length} mismatches, ${nearTies} top-500 lists reordered within near-ties`);
  } else {
    console.log('engine:  ABSENT (vivrovert_bench_search not built): DuckDB side only, nothing compared');
  }
  for (const failure of failures) console.log(`MISMATCH ${failure}`);
  if (args.summary) writeFileSync(args.summary, `${JSON.stringify(summary, null, 2)}\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

try {
  Main();
} catch (error) {
  console.error(`compare_results.mjs: ${error.message}`);
  process.exit(1);
}
