import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { ResponseServer } from './response-server';
import { createSelfSignedCertificate } from './self-signed-cert';

/** PUTs to the server the way the routed wrapper does: TLS verified against the server's certificate. */
function put(server: ResponseServer, url: string, body: string, servername = server.host): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: server.port, servername, ca: server.ca, path: u.pathname + u.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let server: ResponseServer;
beforeEach(async () => { server = await ResponseServer.start('ap-southeast-2'); });
afterEach(async () => { await server.close(); });

test('URLs are shaped like CloudFormation presigned S3 URLs', () => {
  const p = server.expect('arn:aws:cloudformation:ap-southeast-2:123456789012:stack/S/guid', 'Chan', 'req-1');
  expect(p.url).toMatch(new RegExp(
    '^https://cloudformation-custom-resource-response-apsoutheast2\\.s3\\.amazonaws\\.com/'
    + 'arn%3Aaws%3Acloudformation%3Aap-southeast-2%3A123456789012%3Astack/S/guid%7CChan%7Creq-1'
    + '\\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=\\d{8}T\\d{6}Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7200'
    + '&X-Amz-Credential=[A-Z]+%2F\\d{8}%2Fap-southeast-2%2Fs3%2Faws4_request&X-Amz-Signature=[0-9a-f]{64}$'));
});

test('accepts the first good PUT, refuses a bad signature or an unknown key, fails on demand', async () => {
  const p = server.expect('stack', 'L', 'r');
  expect((await put(server, p.url.replace(/Signature=[0-9a-f]+/, 'Signature=00'), '{}')).status).toBe(403);
  expect((await put(server, p.url.replace('%7Cr?', '%7Cother?'), '{}')).status).toBe(403);

  server.failNext(1);
  const failed = await put(server, p.url, '{"Status":"SUCCESS"}');
  expect(failed.status).toBe(500);
  expect(failed.body).toContain('<Code>InternalError</Code>');
  expect(p.received).toBe(false);

  expect((await put(server, p.url, '{"Status":"SUCCESS"}')).status).toBe(200);
  expect((await p.response).body).toBe('{"Status":"SUCCESS"}');
  expect(p.received).toBe(true);
  expect(p.attempts).toBe(3);

  // a later duplicate is accepted (S3 overwrites) and ignored
  expect((await put(server, p.url, '{"Status":"FAILED"}')).status).toBe(200);
  expect((await p.response).body).toBe('{"Status":"SUCCESS"}');

  // once disposed, the URL is refused as an expired one would be
  p.dispose();
  expect((await put(server, p.url, '{}')).status).toBe(403);
  expect(server.totalPuts).toBe(6);
});

test('TLS is verified: the certificate names the response host only', async () => {
  const p = server.expect('stack', 'L', 'r');
  await expect(put(server, p.url, '{}', 'example.com')).rejects.toThrow(/altnames/);
});

test('the self-signed certificate is a valid X.509 certificate for its names', () => {
  const c = createSelfSignedCertificate({ dnsNames: ['a.example.com', 'b.example.com'], validityDays: 1 });
  const x = new X509Certificate(c.certPem);
  expect(x.subjectAltName).toBe('DNS:a.example.com, DNS:b.example.com, IP Address:127.0.0.1');
  expect(x.subject).toBe('CN=a.example.com');
  expect(x.checkHost('b.example.com')).toBe('b.example.com');
  expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(new Date(x.validTo).getTime() - Date.now()).toBeLessThan(86400_000);
  expect(c.fingerprint256).toBe(x.fingerprint256);
});
