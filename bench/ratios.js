#!/usr/bin/env node
'use strict';
// Usage: node bench/ratios.js RESULTS_DIR
// Switchboard against each peer of the same run, from the kit's results (*.jsonl, the attempt with the least
// noise per label, as the kit's summary picks) and bench/run.sh's idle.tsv (S4 after a forced GC).
// A ratio above 1 means Switchboard needs more (CPU, latency, memory) or moves more (deliveries/s).
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
if (!dir) { console.error('usage: ratios.js RESULTS_DIR'); process.exit(2); }

const best = new Map();
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')))
  for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
    if (!l.trim()) continue;
    const r = JSON.parse(l), b = best.get(r.label);
    if (!b || Number(r.other_procs_cpu_pct ?? 0) < Number(b.other_procs_cpu_pct ?? 0)) best.set(r.label, r);
  }
const get = (peer, scenario) => best.get(`${peer}/${scenario}`);
const cpu = (r) => (r && Number(r.delivered_per_s) > 0 ? Number(r.server_cpu_pct) * 1e4 / Number(r.delivered_per_s) : NaN);
const s3 = (r) => (r ? Number(r.max_pass_rate_per_client) * 100 * 100 : NaN); // 1 room × 100 clients
const idle = new Map();
const tsv = path.join(dir, 'idle.tsv');
if (fs.existsSync(tsv))
  for (const l of fs.readFileSync(tsv, 'utf8').split('\n')) {
    const [peer, , , , kb] = l.split('\t');
    if (peer) idle.set(peer, Number(kb));
  }

// the overload run's neighbours (bench/neighbour.js): label -> its JSON line
const neighbours = new Map();
const nbFile = path.join(dir, 'neighbours.json');
if (fs.existsSync(nbFile))
  for (const l of fs.readFileSync(nbFile, 'utf8').split('\n')) if (l.trim()) { const r = JSON.parse(l); neighbours.set(r.label, r); }

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}×` : '–');
const peers = ['ws', 'socketio', 'jetty', 'vertx'].filter((p) => [...best.keys()].some((k) => k.startsWith(`${p}/`)) || idle.has(p));
const me = 'switchboard';

const out = ['| measure | Switchboard | ' + peers.map((p) => `${p} | ÷ ${p}`).join(' | ') + ' |',
  '|---|---|' + peers.map(() => '---|---').join('|') + '|'];
const row = (name, value) => {
  const mine = value(me);
  out.push(`| ${name} | ${fmt(mine)} | ` + peers.map((p) => `${fmt(value(p))} | ${ratio(mine, value(p))}`).join(' | ') + ' |');
};
for (const s of ['s1', 's2']) {
  if (!get(me, s)) continue;
  row(`${s.toUpperCase()} delivered/s`, (p) => Number(get(p, s)?.delivered_per_s));
  row(`${s.toUpperCase()} server CPU µs/delivery`, (p) => cpu(get(p, s)));
  row(`${s.toUpperCase()} p99 ms`, (p) => Number(get(p, s)?.p99_ms));
  row(`${s.toUpperCase()} lost`, (p) => Number(get(p, s)?.lost));
}
if (get(me, 'over')) {
  row('OVER delivered/s', (p) => Number(get(p, 'over')?.delivered_per_s));
  row('OVER p99 ms', (p) => Number(get(p, 'over')?.p99_ms));
  row('OVER lost (refusals included)', (p) => Number(get(p, 'over')?.lost));
  row('OVER server memory growth MB', (p) => Number(get(p, 'over')?.server_rss_end_mb) - Number(get(p, 'over')?.server_rss_connected_mb));
  row('OVER neighbour p99 ms', (p) => Number(neighbours.get(`${p}/over-neighbour`)?.p99_ms));
}
if (get(me, 's3-result')) row('S3 highest passing deliveries/s', (p) => s3(get(p, 's3-result')));
if (get(me, 's4')) row('S4 KB/connection (kit: RSS, no GC)', (p) => Number(get(p, 's4')?.rss_per_conn_kb));
if (idle.has(me)) row('S4 KB/connection after a forced GC (JVMs)', (p) => idle.get(p));
console.log(out.join('\n'));
