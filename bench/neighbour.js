#!/usr/bin/env node
'use strict';
// A neighbour in a quiet room while another load runs: one client sends 2 messages a second to a room of its own
// and measures how long each takes to come back (send-to-receive on one clock). Prints one JSON line and appends it
// to --out. Overload must not make a server's quiet rooms wait for its busy ones.
//
//   node bench/neighbour.js --proto ws --url 'ws://127.0.0.1:18081/chat/{room}?user={user}' --seconds 40 --label ws/neighbour --out r.jsonl
//   node bench/neighbour.js --proto switchboard --base http://127.0.0.1:8080/switchboard --seconds 40 ...
// Needs the `ws` package (the shared kit's peers/node has it: NODE_PATH=.../peers/node/node_modules).
const fs = require('fs');
const WebSocket = require('ws');

const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const proto = arg('proto', 'ws');
const seconds = Number(arg('seconds', '40'));
const label = arg('label', `${proto}/neighbour`);
const out = arg('out', null);
const tag = Math.random().toString(36).slice(2, 8);
const room = `quiet${tag}`;
const user = `nb${tag}`;
const latencies = [];
let sent = 0, errors = 0, closed = null;

async function open() {
  if (proto !== 'switchboard') {
    return new WebSocket(arg('url').replace('{room}', room).replace('{user}', user));
  }
  const base = arg('base');
  const origin = new URL(base).origin;
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ name: user }) });
  const { token } = await r.json();
  return new WebSocket(`${base.replace(/^http/, 'ws')}/ws/chat?token=${token}`, 'switchboard.v1', { headers: { Origin: origin } });
}

function send(ws) {
  const now = String(performance.now());
  sent++;
  ws.send(JSON.stringify(proto === 'switchboard' ? { type: 'send', room, text: now, id: `n${sent}` } : { type: 'message', room, text: now, ts: 0 }));
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100) - 1)] : null;
}

(async () => {
  const ws = await open();
  let timer;
  const start = () => { timer = setInterval(() => send(ws), 500); setTimeout(finish, seconds * 1000); };
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (proto === 'switchboard') {
      if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'join', room }));
      else if (m.type === 'joined') start();
      else if (m.type === 'error') errors++;
      else if (m.type === 'message' && m.room === room && m.from === user) latencies.push(performance.now() - Number(m.text));
    } else if (m.type === 'message' && m.user === user) latencies.push(performance.now() - Number(m.text));
  });
  if (proto !== 'switchboard') ws.on('open', start);
  ws.on('close', (code) => { closed = code; });
  ws.on('error', () => { errors++; });
  function finish() {
    clearInterval(timer);
    setTimeout(() => { // a second for the last ones to come back
      const sorted = [...latencies].sort((a, b) => a - b);
      const line = JSON.stringify({ label, sent, received: latencies.length, errors, closed,
        p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), max_ms: sorted[sorted.length - 1] ?? null });
      console.log(line);
      if (out) fs.appendFileSync(out, line + '\n');
      ws.close();
      process.exit(0);
    }, 1000);
  }
})().catch((e) => { console.error(`neighbour: ${e}`); process.exit(1); });
