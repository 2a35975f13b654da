#!/usr/bin/env node
// Type-checks every ```ts example of README.md against the library, so the docs stay copy-paste
// true. Each block becomes a file under .readme-check/: a block with its own imports stands alone;
// any other is the body of a Stack's constructor (`this` is the stack) with the usual imports and a
// few declared inputs (a role, a bucket, ...). Run by `npm run typecheck`.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const outdir = path.join(root, '.readme-check');
const lib = path.join(root, 'lib', 'index.ts');

const exported = fs.readFileSync(path.join(root, 'lib', 'index.ts'), 'utf8')
  .match(/from '\.\/[^']+'/g)
  .map((m) => m.slice(8, -1))
  .flatMap((file) => [...fs.readFileSync(path.join(root, 'lib', `${file}.ts`), 'utf8')
    .matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|enum|const|function) (\w+)/gm)]
    .map((m) => m[1]));

const prelude = `
import * as fs from 'fs';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ${exported.join(', ')} } from 'cdk-ivs';
declare const encoder: iam.IGrantable;
declare const encoderRole: iam.IGrantable;
declare const tokenSigner: iam.IGrantable;
declare const bucket: s3.IBucket;
declare const channel: Channel;
declare const recording: RecordingConfiguration;
declare const policy: PlaybackRestrictionPolicy;
void [fs, CfnOutput, Duration, RemovalPolicy, encoder, encoderRole, tokenSigner, bucket, channel, recording, policy];
`;

function blocks(markdown) {
  // ```ts, with or without jsii-rosetta's parameters (```ts nofixture), and ```tsx: TypeScript that is not jsii
  // (the token helper's), which jsii-rosetta does not translate
  return [...markdown.matchAll(/^```tsx?(?:[ \t][^\n]*)?\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

function main() {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir);
  const found = blocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  found.forEach((code, i) => {
    const file = path.join(outdir, `example-${String(i + 1).padStart(2, '0')}.ts`);
    const text = /^import /m.test(code)
      ? code
      : `${prelude}\nexport class Example extends Stack {\n  constructor() {\n    super();\n${code}  }\n}\n`;
    fs.writeFileSync(file, text);
  });
  fs.writeFileSync(path.join(outdir, 'tsconfig.json'), JSON.stringify({
    extends: '../tsconfig.dev.json',
    compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, paths: { 'cdk-ivs': [lib], 'cdk-ivs/playback-token': [path.join(root, 'lib', 'playback-token.ts')] } },
    include: ['*.ts'],
  }, null, 2));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', outdir], { stdio: 'inherit' });
  } catch {
    console.error('check-readme: a README example does not compile (files in .readme-check/)');
    process.exit(1);
  }
  console.log(`check-readme: ${found.length} README examples compile`);
}

main();
