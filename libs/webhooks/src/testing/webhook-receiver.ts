import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A real HTTP receiver for the integration specs, on 127.0.0.1 and a random port. Each route verifies
// the signature with the reference `standardwebhooks` package (as a tenant's receiver would), answers
// 401 if it does not verify, and otherwise answers what the route's script says, on purpose.

export interface ReceivedWebhook {
  readonly route: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** `'ok'`, or the `standardwebhooks` error. */
  readonly verification: string;
  /** The status answered. */
  readonly status: number;
}

export interface ReplyContext {
  /** 1 for the route's first request, 2 for its second … */
  readonly n: number;
  /** 1 for the first request with this `webhook-id`, 2 for its first retry … */
  readonly nForId: number;
  readonly webhookId: string;
}

/** The status to answer; a promise that resolves late holds the request (to test timeouts and stop). */
export type Reply = (context: ReplyContext) => number | Promise<number>;

interface Route {
  readonly secret: string;
  readonly reply: Reply;
}

export class WebhookReceiver {
  private readonly routes = new Map<string, Route>();
  private readonly log: ReceivedWebhook[] = [];
  private readonly countById = new Map<string, number>();

  private readonly server: Server = createServer((request, response) => void this.handle(request, response));
  private port = 0;

  private constructor() {}

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  url(route: string): string {
    return `http://127.0.0.1:${this.port}/${route}`;
  }

  /** Serves `route`: requests must be signed with `secret`; `reply` says what to answer. */
  route(route: string, secret: string, reply: Reply): void {
    this.routes.set(route, { secret, reply });
  }

  /** Requests received so far (on one route, or all), in arrival order. */
  received(route?: string): ReceivedWebhook[] {
    return this.log.filter((entry) => route === undefined || entry.route === route);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const name = (request.url ?? '/').slice(1);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const route = this.routes.get(name);
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    const verification = verify(route.secret, body, headers);
    const webhookId = headers['webhook-id'] ?? '';
    const nForId = (this.countById.get(webhookId) ?? 0) + 1;
    this.countById.set(webhookId, nForId);
    const n = this.received(name).length + 1;
    const entry = { route: name, headers, body, verification };
    if (verification !== 'ok') {
      this.log.push({ ...entry, status: 401 });
      response.writeHead(401).end();
      return;
    }
    const pending = { ...entry, status: 0 };
    this.log.push(pending);
    const status = await route.reply({ n, nForId, webhookId });
    pending.status = status;
    if (!response.destroyed) response.writeHead(status).end();
  }
}

function verify(secret: string, body: string, headers: Record<string, string>): string {
  try {
    new Webhook(secret).verify(body, headers);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
