// Append -> Kafka latency through the outbox relay, as the services run it (PostgreSQL store with
// `pollIntervalMs: 20`, EventRelay with Kafka publisher, PostgreSQL checkpoints and leadership): one
// relay on a throwaway schema and topic prefix (RelayTestKit), appends paced at a given rate by one
// writer, latency = appendToStream called -> message consumed by a raw kafkajs reader. Uses the built
// dist/ (node scripts/build.mjs).
//
//   node tools/relay-latency.mjs                 200 events/s for 10 s, then 20 events/s for 10 s
//   LATENCY_RATES=50,200 LATENCY_SECONDS=15 node tools/relay-latency.mjs
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { RelayTestKit, orderEvent } = require(
  path.join(root, 'dist/libs/event-relay/src/testing/relay-int-kit.js'),
);
const { orderStreamName, headerText } = require(path.join(root, 'dist/libs/contracts/src/index.js'));

const rates = (process.env.LATENCY_RATES ?? '200,20').split(',').map(Number);
const seconds = Number(process.env.LATENCY_SECONDS ?? 10);
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const kit = new RelayTestKit();
await kit.setUp();
const [topic] = await kit.ensureTopics(['orders.events']);
const sentAt = new Map();
const latencies = [];
const reader = kit.kafka.consumer({ groupId: `latency-${randomUUID()}`, maxWaitTimeInMs: 100 });
await reader.connect();
await reader.subscribe({ topic, fromBeginning: true });
await reader.run({
  eachMessage: async ({ message }) => {
    const id = headerText(message.headers?.ce_id);
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (sent !== undefined) latencies.push(performance.now() - sent);
  },
});
const relay = await kit.relay('latency');
relay.start();
await wait(3_000); // leading, and the reader assigned

try {
  const tenantId = randomUUID();
  for (const rate of rates) {
    latencies.length = 0;
    const count = rate * seconds;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1_000) / rate;
      const ahead = due - performance.now();
      if (ahead > 0) await wait(ahead);
      const orderId = randomUUID();
      const event = orderEvent(tenantId, orderId, 1);
      sentAt.set(event.eventId, performance.now());
      await kit.store.appendToStream(tenantId, orderStreamName(orderId), [event], {
        expectedVersion: 'no-stream',
      });
    }
    const deadline = performance.now() + 10_000;
    while (latencies.length < count && performance.now() < deadline) await wait(50);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `${rate} events/s for ${seconds} s: ${sorted.length}/${count} received; append -> consumed ` +
        `p50 ${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
    );
  }
} finally {
  await reader.disconnect();
  await kit.cleanUp();
}
