/**
 * The receiving end of CloudFormation's custom resource protocol: an HTTPS server on 127.0.0.1
 * that plays the S3 bucket behind a presigned `ResponseURL`. Each request gets a URL shaped like
 * CloudFormation's (`https://cloudformation-custom-resource-response-<region>.s3.amazonaws.com/
 * <stack id>|<logical id>|<request id>?X-Amz-Algorithm=...&X-Amz-Signature=...`), and a PUT with a
 * wrong signature or an unknown key is refused as S3 would (403). Tests can make the next N PUTs
 * answer 500 to exercise the wrapper's retries.
 *
 * The CDK wrapper sends the PUT with `https.request({ hostname, path })`: it drops any port in
 * the URL and always dials 443. The Lambda child therefore routes this one host name to the
 * server's port (see lambda-runner.ts); TLS is verified against the certificate made here.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from './self-signed-cert';

export interface ReceivedResponse {
  /** The raw body as PUT. */
  readonly body: string;
  readonly receivedAt: number;
}

export interface PendingResponse {
  readonly url: string;
  /** Resolves with the first accepted PUT. */
  readonly response: Promise<ReceivedResponse>;
  /** Every accepted PUT, in the order received (S3 keeps the last one written). */
  readonly responses: readonly ReceivedResponse[];
  /** Whether a PUT was accepted. */
  readonly received: boolean;
  /** PUTs to this URL so far, including refused ones. */
  readonly attempts: number;
  /** Stops accepting PUTs for this URL (later ones get 403 as an expired URL would). */
  dispose(): void;
}

interface Entry {
  signature: string;
  attempts: number;
  received: boolean;
  responses: ReceivedResponse[];
  resolve: (r: ReceivedResponse) => void;
}

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export class ResponseServer {
  /** Starts a server for a region (the region only shapes the host name). */
  static async start(region: string): Promise<ResponseServer> {
    const host = `cloudformation-custom-resource-response-${region.replace(/-/g, '')}.s3.amazonaws.com`;
    const cert = createSelfSignedCertificate({ dnsNames: [host] });
    const server = new ResponseServer(region, host, cert.certPem, cert.keyPem);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(0, '127.0.0.1', () => resolve());
    });
    server.server.unref();
    return server;
  }

  /** The host name in the URLs (routed to 127.0.0.1:port by the Lambda child). */
  readonly host: string;
  /** PEM of the server certificate, for the client's `ca`. */
  readonly ca: string;
  private readonly server: https.Server;
  private readonly entries = new Map<string, Entry>();
  private readonly secret = randomBytes(32);
  private failures: { count: number; status: number } = { count: 0, status: 500 };
  private putCount = 0;

  private constructor(private readonly region: string, host: string, certPem: string, keyPem: string) {
    this.host = host;
    this.ca = certPem;
    this.server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, body } = this.handle(req.method ?? '', req.url ?? '/', Buffer.concat(chunks).toString('utf8'));
        res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase() });
        res.end(body);
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** PUTs received in total (refused ones included). */
  get totalPuts(): number {
    return this.putCount;
  }

  /** The next `count` PUTs (to any URL) answer `status` (default 500 InternalError). */
  failNext(count: number, status = 500): void {
    this.failures = { count, status };
  }

  /** Registers a request and returns its presigned-style URL. */
  expect(stackId: string, logicalId: string, requestId: string): PendingResponse {
    const key = '/' + encodeURIComponent(`${stackId}|${logicalId}|${requestId}`).replace(/%2F/g, '/');
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const signature = createHmac('sha256', this.secret).update(key).digest('hex');
    const query = [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Date=${date}`,
      'X-Amz-SignedHeaders=host',
      'X-Amz-Expires=7200',
      `X-Amz-Credential=AKIAHARNESSRESPONSES%2F${date.slice(0, 8)}%2F${this.region}%2Fs3%2Faws4_request`,
      `X-Amz-Signature=${signature}`,
    ].join('&');
    let resolve!: (r: ReceivedResponse) => void;
    const response = new Promise<ReceivedResponse>((r) => { resolve = r; });
    const entry: Entry = { signature, attempts: 0, received: false, responses: [], resolve };
    this.entries.set(key, entry);
    return {
      url: `https://${this.host}${key}?${query}`,
      response,
      responses: entry.responses,
      get received() { return entry.received; },
      get attempts() { return entry.attempts; },
      dispose: () => { this.entries.delete(key); },
    };
  }

  /** Stops the server (open connections are closed). */
  async close(): Promise<void> {
    this.entries.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(method: string, url: string, body: string): { status: number; body: string } {
    const [key, query = ''] = url.split('?');
    const params = new URLSearchParams(query);
    const entry = this.entries.get(key);
    if (method !== 'PUT') return { status: 405, body: s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.') };
    this.putCount++;
    if (entry) entry.attempts++;
    if (!entry || params.get('X-Amz-Signature') !== entry.signature) {
      return { status: 403, body: s3Error(entry ? 'SignatureDoesNotMatch' : 'AccessDenied', 'Request has expired or the signature does not match') };
    }
    if (this.failures.count > 0) {
      this.failures.count--;
      return { status: this.failures.status, body: s3Error('InternalError', 'We encountered an internal error. Please try again.') };
    }
    // "If it receives multiple write requests for the same object simultaneously, it overwrites
    // all but the last object written" (S3 PutObject): every PUT is accepted, each is kept here.
    const received = { body, receivedAt: Date.now() };
    entry.responses.push(received);
    if (!entry.received) {
      entry.received = true;
      entry.resolve(received);
    }
    return { status: 200, body: '' };
  }
}
