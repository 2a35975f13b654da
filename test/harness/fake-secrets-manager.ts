/**
 * A few Secrets Manager operations over the real JSON 1.1 protocol, for the harness's own tests
 * only (the IVS emulator under test/emulator/ is the real stand-in): CreateSecret, UpdateSecret,
 * TagResource, UntagResource, DeleteSecret, DescribeSecret.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecret {
  arn: string;
  name: string;
  description?: string;
  value?: string;
  tags: Array<{ Key: string; Value: string }>;
}

export class FakeSecretsManager {
  static async start(region = 'us-east-1', account = '123456789012'): Promise<FakeSecretsManager> {
    const f = new FakeSecretsManager(region, account);
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', () => resolve()));
    return f;
  }

  readonly secrets = new Map<string, FakeSecret>();
  /** Operations received, in order (e.g. "CreateSecret"). */
  readonly calls: string[] = [];
  private readonly server: http.Server;

  private constructor(private readonly region: string, private readonly account: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const op = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
        this.calls.push(op);
        let status = 200;
        let body: unknown;
        try {
          body = this.handle(op, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
        } catch (err) {
          status = 400;
          body = { __type: (err as Error).name, message: (err as Error).message };
        }
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private find(id: string): FakeSecret {
    const s = this.secrets.get(id) ?? [...this.secrets.values()].find((x) => x.name === id);
    if (!s) throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' });
    return s;
  }

  private handle(op: string, input: any): unknown {
    switch (op) {
      case 'CreateSecret': {
        const arn = `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${input.Name}-${randomBytes(3).toString('hex')}`;
        this.secrets.set(arn, { arn, name: input.Name, description: input.Description, value: input.SecretString, tags: input.Tags ?? [] });
        return { ARN: arn, Name: input.Name };
      }
      case 'UpdateSecret': {
        const s = this.find(input.SecretId);
        if (input.Description !== undefined) s.description = input.Description;
        if (input.SecretString !== undefined) s.value = input.SecretString;
        return { ARN: s.arn, Name: s.name };
      }
      case 'TagResource': {
        const s = this.find(input.SecretId);
        for (const t of input.Tags) s.tags = [...s.tags.filter((x) => x.Key !== t.Key), t];
        return {};
      }
      case 'UntagResource': {
        const s = this.find(input.SecretId);
        s.tags = s.tags.filter((t) => !input.TagKeys.includes(t.Key));
        return {};
      }
      case 'DeleteSecret': {
        const s = this.find(input.SecretId);
        this.secrets.delete(s.arn);
        return { ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 };
      }
      case 'DescribeSecret': {
        const s = this.find(input.SecretId);
        return { ARN: s.arn, Name: s.name, Description: s.description, Tags: s.tags };
      }
      default:
        throw Object.assign(new Error(`fake Secrets Manager does not implement ${op}`), { name: 'InvalidRequestException' });
    }
  }
}
