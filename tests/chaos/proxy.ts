import { createServer, connect, type Socket, type Server } from 'node:net';

/** A TCP proxy on loopback that can cut the link: every open connection dies and new ones are refused for a while. */
export class LinkCutter {
  private server: Server | undefined;
  private pairs = new Set<[Socket, Socket]>();
  private downUntil = 0;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      if (Date.now() < this.downUntil) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Drops every connection now and refuses new ones for `ms`. */
  cut(ms: number): void {
    this.downUntil = Date.now() + ms;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async stop(): Promise<void> {
    this.cut(0);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
