// The package as users get it: `npm pack`, install the tarball into a fresh CDK app in a temp folder,
// synthesize there. Consumers must need no esbuild, Docker or network at synth. Needs `npm run build`
// first (npm test does it).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string;
let tarball: string;
let packedFiles: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ivs-pack-'));
  const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
  tarball = path.join(work, packed.filename);
  packedFiles = packed.files.map((f: { path: string }) => f.path);
}, 60_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** lib/'s TypeScript sources (not declarations), relative to lib/, without the extension. */
function librarySources(dir = path.join(root, 'lib'), prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return librarySources(path.join(dir, e.name), `${prefix}${e.name}/`);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [`${prefix}${e.name.slice(0, -3)}`] : [];
  });
}

test('the tarball holds exactly the built library, its assembly, the bundled handler and the docs', () => {
  // Derived from lib/, so a module added there is expected without editing this test.
  const expected = [
    'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.jsii', 'assets/provider/index.js',
    ...librarySources().flatMap((m) => [`lib/${m}.js`, `lib/${m}.d.ts`]),
  ];
  expect([...packedFiles].sort()).toEqual(expected.sort());
  expect(packedFiles.filter((f) => /^(lambda|test|scripts|examples|bench)\//.test(f))).toEqual([]);
  expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  // The provider folder is copied whole into the Lambda asset: only the bundle belongs there.
  expect(packedFiles.filter((f) => f.startsWith('assets/'))).toEqual(['assets/provider/index.js']);
});

/** A fresh app folder with the tarball installed, and its own aws-cdk-lib and constructs (the peer dependencies). */
function consumer(): string {
  const app = path.join(work, 'consumer');
  if (fs.existsSync(app)) return app;
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync(npm, ['install', '--offline', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', tarball], { cwd: app, stdio: 'pipe' });
  for (const peer of ['aws-cdk-lib', 'constructs']) {
    fs.symlinkSync(path.join(root, 'node_modules', peer), path.join(app, 'node_modules', peer), 'dir');
  }
  return app;
}

test('package.json and the assembly carry what Construct Hub and the other languages read', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
  // Construct Hub lists packages by the `awscdk` keyword and shows the assembly's stability
  expect(pkg.keywords).toContain('awscdk');
  expect(assembly.keywords).toContain('awscdk');
  expect(['experimental', 'stable', 'deprecated']).toContain(pkg.stability);
  expect(assembly.docs.stability).toBe(pkg.stability);
  expect(assembly).toMatchObject({ name: pkg.name, version: pkg.version, repository: { url: pkg.repository.url } });
  expect(pkg).toMatchObject({ types: 'lib/index.d.ts', engines: { node: expect.any(String) }, license: 'Apache-2.0' });
  // One package name per language (jsii-pacmak generates them: npm run pacmak)
  expect(assembly.targets).toEqual({
    js: { npm: 'cdk-ivs' },
    python: { distName: 'cdk-ivs', module: 'cdk_ivs', classifiers: ['Framework :: AWS CDK', 'Framework :: AWS CDK :: 2'] },
    java: { package: 'io.github.cdkivs', maven: { groupId: 'io.github.cdkivs', artifactId: 'cdk-ivs' } },
    dotnet: { namespace: 'CdkIvs', packageId: 'CdkIvs' },
    go: { moduleName: 'github.com/cdk-ivs/cdk-ivs-go', packageName: 'cdkivs' },
  });
});

test('the exports map: the library, the token helper, the assembly and package.json; nothing else', () => {
  const app = consumer();
  const { exports } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  // Every target is a file of the tarball
  const targets = Object.values(exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t as object))) as string[];
  expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !packedFiles.includes(t))).toEqual([]);

  // WHEN the consumer resolves each subpath, and a deep import
  const probe = `
    const out = {};
    for (const request of process.argv.slice(1)) {
      try { out[request] = require.resolve(request).replace(/^.*node_modules\\/cdk-ivs\\//, ''); } catch (e) { out[request] = e.code; }
    }
    console.log(JSON.stringify(out));`;
  const requests = ['cdk-ivs', 'cdk-ivs/playback-token', 'cdk-ivs/.jsii', 'cdk-ivs/package.json', 'cdk-ivs/lib/channel', 'cdk-ivs/assets/provider/index.js'];
  const resolved = JSON.parse(execFileSync(process.execPath, ['-e', probe, ...requests], { cwd: app, encoding: 'utf8' }));

  // THEN the library, the token helper, the assembly and package.json resolve, and no deep path
  expect(resolved).toEqual({
    'cdk-ivs': 'lib/index.js',
    'cdk-ivs/playback-token': 'lib/playback-token.js',
    'cdk-ivs/.jsii': '.jsii',
    'cdk-ivs/package.json': 'package.json',
    'cdk-ivs/lib/channel': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    'cdk-ivs/assets/provider/index.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
  });
});

test('a fresh app that installs the tarball synthesizes with no esbuild, Docker or network', () => {
  // GIVEN a CDK app with its own aws-cdk-lib and constructs (the peer dependencies) and the tarball
  const app = consumer();
  // A preload that makes any use of esbuild or Docker, or any network connection, fail loudly.
  fs.writeFileSync(path.join(app, 'forbid.js'), `
    const Module = require('module'); const cp = require('child_process'); const net = require('net');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (/^esbuild/.test(request)) throw new Error('esbuild required at synth');
      return load.call(this, request, ...rest);
    };
    for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) {
      const original = cp[name];
      cp[name] = function (cmd, ...rest) {
        if (/docker|esbuild/.test(String(cmd))) throw new Error('child process at synth: ' + cmd);
        return original.call(this, cmd, ...rest);
      };
    }
    net.Socket.prototype.connect = function () { throw new Error('network used at synth'); };
  `);
  fs.writeFileSync(path.join(app, 'app.js'), `
    const { App, Stack } = require('aws-cdk-lib');
    const { Channel, PlaybackKeyPair } = require('cdk-ivs');
    const app = new App({ outdir: 'cdk.out' });
    const stack = new Stack(app, 'Consumer');
    const channel = new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
    channel.addStreamKey('StreamKey');
    new PlaybackKeyPair(stack, 'Keys');
    app.synth();
  `);

  // WHEN it synthesizes
  execFileSync(process.execPath, ['-r', './forbid.js', 'app.js'], { cwd: app, stdio: 'pipe', env: { ...process.env, CDK_VALIDATION: 'false' } });

  // THEN the installed package is the tarball's (not this checkout) and the asset is its bundle
  expect(fs.realpathSync(path.join(app, 'node_modules', 'cdk-ivs'))).toBe(path.join(app, 'node_modules', 'cdk-ivs'));
  const out = path.join(app, 'cdk.out');
  const template = JSON.parse(fs.readFileSync(path.join(out, 'Consumer.template.json'), 'utf8'));
  const types = Object.values(template.Resources).map((r: any) => r.Type);
  expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(1);
  expect(types).toEqual(expect.arrayContaining(['Custom::IvsChannel', 'Custom::IvsStreamKey', 'Custom::IvsPlaybackKeyPair']));
  const assets = fs.readdirSync(out).filter((f) => f.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  const asset = path.join(out, assets[0]);
  expect(fs.readdirSync(asset).sort()).toEqual(['__entrypoint__.js', 'index.js']);
  expect(fs.readFileSync(path.join(asset, 'index.js'))).toEqual(fs.readFileSync(path.join(app, 'node_modules', 'cdk-ivs', 'assets', 'provider', 'index.js')));

  // AND the token helper's entry point works from the installed package, without aws-cdk-lib or an SDK
  fs.writeFileSync(path.join(app, 'sign.js'), `
    const Module = require('module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (/^(aws-cdk-lib|constructs|@aws-sdk\\/)/.test(request)) throw new Error('the token helper loaded ' + request);
      return load.call(this, request, ...rest);
    };
    const { generateKeyPairSync, createPublicKey, verify } = require('crypto');
    const helper = require('cdk-ivs/playback-token');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const url = 'https://0123456789ab.us-east-1.playback.live-video.net/api/video/v1/us-east-1.111111111111.channel.abcdABCDefgh.m3u8';
    const signed = helper.signPlaybackToken({ privateKey, channelArn: 'arn:aws:ivs:us-east-1:111111111111:channel/abcdABCDefgh', playbackUrl: url });
    const [h, p, s] = signed.token.split('.');
    const ok = verify('sha384', Buffer.from(h + '.' + p), { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    process.stdout.write(JSON.stringify({ ok, url: signed.playbackUrl, exports: Object.keys(helper).sort(), file: require.resolve('cdk-ivs/playback-token') }));
  `);
  const signed = JSON.parse(execFileSync(process.execPath, ['sign.js'], { cwd: app, encoding: 'utf8' }));
  expect(signed).toEqual({
    ok: true,
    url: expect.stringMatching(/\.m3u8\?token=[\w-]+\.[\w-]+\.[\w-]+$/),
    exports: expect.arrayContaining(['PlaybackKeyLoader', 'parsePlaybackPrivateKey', 'playbackUrlWithToken', 'signPlaybackToken']),
    file: path.join(app, 'node_modules', 'cdk-ivs', 'lib', 'playback-token.js'),
  });

  // AND TypeScript finds its types, through `exports` (node16) and through `typesVersions` (node10)
  fs.symlinkSync(path.join(root, 'node_modules', '@types'), path.join(app, 'node_modules', '@types'), 'dir');
  fs.writeFileSync(path.join(app, 'check.ts'), `
    import { PlaybackToken, signPlaybackToken } from 'cdk-ivs/playback-token';
    const signed: PlaybackToken = signPlaybackToken({ privateKey: '', channelArn: '', expiresInSeconds: 60 });
    const url: string | undefined = signed.playbackUrl;
    export { url };
  `);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const resolution of [['--module', 'node16', '--moduleResolution', 'node16'], ['--module', 'commonjs', '--moduleResolution', 'node10', '--ignoreDeprecations', '6.0']]) {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--types', 'node', ...resolution, 'check.ts'], { cwd: app, stdio: 'pipe' });
  }
}, 60_000);
