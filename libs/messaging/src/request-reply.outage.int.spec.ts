import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ProblemError, type CommandReply } from '@platform/contracts';
import { TenantContextStore, type TenantContext } from '@platform/tenancy';
import { eventually, PrivateKafka, uniqueSuffix } from '@platform/testing';
import { KafkaMessaging } from './kafka-messaging';
import { fromCurrentContext, type OutgoingMessage } from './outgoing';
import type { ReplyListener } from './request-reply';

const logger = pino({ level: 'silent' });
const TENANT = '11111111-1111-4111-8111-111111111111';
const TIMEOUT_MS = 4_000;

const context = (): TenantContext => ({
  tenantId: TENANT,
  actor: 'user-1',
  roles: ['member'],
  correlationId: `corr-${uniqueSuffix()}`,
  causationId: randomUUID(),
});

/**
 * Issue 9: with the broker gone, a request whose send fails answers 503 (with Retry-After) soon,
 * not after its deadline, and nothing rejects with nobody listening (that killed the gateway).
 * Against a private broker that the test kills (SIGKILL) and restarts.
 */
describe('request-reply while the broker is away', () => {
  let kafka: PrivateKafka;
  let messaging: KafkaMessaging;
  let listener: ReplyListener;
  let topic: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    kafka = await PrivateKafka.create('request-reply');
    await kafka.start();
    messaging = await KafkaMessaging.connect(
      { brokers: kafka.brokers, clientId: 'rr-outage', topicPrefix: 'rr.', service: 'rr' },
      logger,
    );
    topic = messaging.topic('commands');
    await messaging.subscribe(
      {
        groupId: 'rr.responder',
        topics: [topic],
        handler: (request) => messaging.reply(request, { ok: true, result: request.value }),
      },
      1,
    );
    listener = await messaging.listenForReplies(messaging.topic(`replies.${uniqueSuffix()}`));
  }, 180_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await messaging?.close().catch(() => undefined);
    await kafka?.destroy();
  }, 120_000);

  const command = (n: number): OutgoingMessage =>
    TenantContextStore.run(context(), () =>
      fromCurrentContext({
        topic,
        type: 'rr.Ping',
        subject: `agg-${n}`,
        value: { n },
        source: '/rr',
        dataSchemaVersion: 1,
      }),
    );

  /** The request's outcome and how long it took: a reply, or the problem's kind. */
  const timed = async (n: number): Promise<{ outcome: string; ms: number; problem?: ProblemError }> => {
    const started = performance.now();
    try {
      const reply: CommandReply = await messaging.request(listener, command(n), TIMEOUT_MS);
      return { outcome: reply.ok ? 'ok' : 'refused', ms: performance.now() - started };
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return { outcome: error.kind, ms: performance.now() - started, problem: error };
    }
  };

  it('answers 503 quickly when the send fails, rejects nothing unhandled, and recovers', async () => {
    expect((await timed(0)).outcome).toBe('ok');

    await kafka.kill();
    // the first requests find out (a stall, then kafkajs gives up): 503 or, if handed over, 504
    const first = await Promise.all([1, 2, 3].map(timed));
    for (const result of first) expect(['unavailable', 'timeout']).toContain(result.outcome);
    // from then on, refused at once while the broker is away
    const during = await Promise.all([4, 5, 6, 7, 8].map(timed));
    for (const result of during) {
      expect(result.outcome).toBe('unavailable');
      expect(result.problem?.headers?.['retry-after']).toBe('5');
      expect(result.ms).toBeLessThan(TIMEOUT_MS / 2);
    }
    // outlive every deadline and kafkajs's retries of what was in flight: nothing left unhandled
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 10_000));
    expect(unhandled).toEqual([]);

    await kafka.start();
    await eventually(async () => expect((await timed(9)).outcome).toBe('ok'), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'requests answered after the broker came back',
    });
    expect(unhandled).toEqual([]);
  }, 180_000);
});
