// Subscribers for bench/subscriptions.py, on the reference graphql-ws client (graphql-ws + ws).
//
// Usage: node subscriptions_client.mjs <config.json>
//   config: {"query": "...", "variables": {...}, "subscribers": [{"url": "...", "token": "..."}]}
// Talks to the bench over stdin/stdout, one JSON object per line:
//   in:  {"cmd": "phase", "name": "lat"}  count messages of this phase only (content "<phase> <sent ms>")
//        {"cmd": "count"}                 -> {"event": "count", "min": n, "max": n}
//        {"cmd": "report"}                -> {"event": "report", "latencies": [ms...],
//                                            "sents": ["<sent ms>"...], "servers": [i...],
//                                            "disorders": n}   (servers: index of the url in
//                                            the order of first appearance in the config)
//        {"cmd": "exit"}
//   out: {"event": "connected", "failed": n} once every client is acknowledged (or failed)
//        {"event": "closed", "code": n, "reason": "..."} when a server closes a client
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const now = () => performance.timeOrigin + performance.now();
const say = (message) => process.stdout.write(JSON.stringify(message) + "\n");

let phase = "warm";
let latencies = [];
let sents = [];
let servers = [];
let disorders = 0;
const urls = [...new Set(config.subscribers.map((s) => s.url))];
const subscribers = config.subscribers.map((s) => ({
  ...s,
  server: urls.indexOf(s.url),
  count: 0,
  lastSeq: null,
}));

function receive(subscriber, result) {
  const at = now();
  const event = result.data?.messageAdded?.message;
  if (!event) {
    say({ event: "error", result });
    return;
  }
  const [name, sent] = event.content.split(" ");
  if (name !== phase) return;
  if (subscriber.lastSeq !== null && event.seq !== subscriber.lastSeq + 1) disorders += 1;
  subscriber.lastSeq = event.seq;
  subscriber.count += 1;
  latencies.push(at - Number(sent));
  sents.push(sent);
  servers.push(subscriber.server);
}

async function open(subscriber) {
  return new Promise((resolve) => {
    const client = createClient({
      url: subscriber.url,
      webSocketImpl: WebSocket,
      connectionParams: { token: subscriber.token },
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(true),
        closed: (event) => {
          if (event && event.code !== 1000) say({ event: "closed", code: event.code, reason: event.reason });
        },
        error: () => resolve(false),
      },
    });
    subscriber.client = client;
    client.subscribe(
      { query: config.query, variables: config.variables },
      {
        next: (result) => receive(subscriber, result),
        error: (error) => say({ event: "error", error: String(error?.message ?? error) }),
        complete: () => {},
      },
    );
  });
}

let failed = 0;
for (let i = 0; i < subscribers.length; i += 50) {
  const opened = await Promise.all(subscribers.slice(i, i + 50).map(open));
  failed += opened.filter((ok) => !ok).length;
}
say({ event: "connected", failed });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.cmd === "phase") {
    phase = command.name;
    latencies = [];
    sents = [];
    servers = [];
    disorders = 0;
    for (const s of subscribers) {
      s.count = 0;
      s.lastSeq = null;
    }
    say({ event: "phase" });
  } else if (command.cmd === "count") {
    const counts = subscribers.map((s) => s.count);
    say({ event: "count", min: Math.min(...counts), max: Math.max(...counts) });
  } else if (command.cmd === "report") {
    say({ event: "report", latencies, sents, servers, disorders });
  } else if (command.cmd === "exit") {
    for (const s of subscribers) s.client.terminate();
    process.exit(0);
  }
}
