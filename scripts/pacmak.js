#!/usr/bin/env node
// jsii-pacmak: generates the Python, Java, .NET and Go packages into dist/ (code only: PyPI, Maven
// Central, NuGet and the Go proxy are out of reach, so nothing is built or published), then checks
// them: each language's package names, every type of the assembly present in each, the Python
// byte-compiling, and the Java parsing (when a JDK is on the machine). Needs `npm run build` and
// `npm run rosetta` first: the examples in the generated docs come from rosetta's tablet, and a
// snippet missing from it fails the run.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
const problems = [];

const read = (file) => fs.readFileSync(path.join(dist, file), 'utf8');
const exists = (file) => fs.existsSync(path.join(dist, file));
function expectIn(file, pattern, what) {
  if (!exists(file)) problems.push(`${file} is missing (${what})`);
  else if (!pattern.test(read(file))) problems.push(`${file}: ${what} (${pattern})`);
}
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function generate() {
  fs.rmSync(dist, { recursive: true, force: true });
  const bin = path.join(path.dirname(require.resolve('jsii-pacmak/package.json')), 'bin', 'jsii-pacmak');
  const started = Date.now();
  execFileSync(process.execPath, [
    bin, '--code-only', '--targets', 'python', 'java', 'dotnet', 'go', '--outdir', dist, '--no-npmignore', '--force',
    '--rosetta-tablet', path.join(root, '.jsii.tabl.json'), '--rosetta-unknown-snippets', 'fail',
  ], { cwd: root, stdio: 'inherit', env });
  console.log(`pacmak: generated python, java, dotnet and go into dist/ in ${Date.now() - started} ms`);
}

function checkNames(assembly) {
  const { python, java, dotnet, go } = assembly.targets;
  const types = Object.values(assembly.types).map((t) => t.name);
  // Python: the dist name and module in setup.py, each type a class of the module
  expectIn('python/setup.py', new RegExp(`"name": "${python.distName}"`), 'the Python dist name');
  expectIn('python/setup.py', new RegExp(`"packages": \\[\\s*"${python.module}"`), 'the Python module');
  const pyInit = `python/src/${python.module.replace(/\./g, '/')}/__init__.py`;
  for (const t of types) expectIn(pyInit, new RegExp(`^class ${t}\\b`, 'm'), `Python class ${t}`);
  // Java: Maven coordinates, one file per type in the package's folder
  expectIn('java/pom.xml', new RegExp(`<groupId>${java.maven.groupId}</groupId>\\s*<artifactId>${java.maven.artifactId}</artifactId>`), 'the Maven coordinates');
  const javaDir = `java/src/main/java/${java.package.replace(/\./g, '/')}`;
  for (const t of types) expectIn(`${javaDir}/${t}.java`, new RegExp(`^package ${java.package.replace(/\./g, '\\.')};`, 'm'), `Java ${t}`);
  // .NET: the package id, one file per type in the namespace (interfaces also get their I-prefixed name)
  expectIn(`dotnet/${dotnet.packageId}/${dotnet.packageId}.csproj`, new RegExp(`<PackageId>${dotnet.packageId}</PackageId>`), 'the NuGet package id');
  for (const t of types) {
    expectIn(`dotnet/${dotnet.packageId}/${dotnet.packageId}/${t}.cs`, new RegExp(`^namespace ${dotnet.namespace}$`, 'm'), `.NET ${t}`);
  }
  // Go: the module path and package name
  const goDir = `go/${go.packageName}`;
  expectIn(`${goDir}/go.mod`, new RegExp(`^module ${go.moduleName}/${go.packageName}$`, 'm'), 'the Go module path');
  for (const t of types) expectIn(`${goDir}/${t}.go`, new RegExp(`^package ${go.packageName}$`, 'm'), `Go ${t}`);
  console.log(`pacmak: ${types.length} types in each language; python ${python.distName} (${python.module}), java ${java.maven.groupId}:${java.maven.artifactId} `
    + `(${java.package}), dotnet ${dotnet.packageId}, go ${go.moduleName}/${go.packageName}`);
}

function compilePython() {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) {
    problems.push('no python3 on this machine: the generated Python cannot be byte-compiled');
    return;
  }
  const src = path.join(dist, 'python', 'src');
  const count = walk(src).filter((f) => f.endsWith('.py')).length;
  // -q: errors only; compileall exits 1 if any file fails. Output goes to a temporary cache prefix.
  const result = spawnSync(python, ['-m', 'compileall', '-q', '-f', src], { stdio: 'inherit', env: { ...env, PYTHONPYCACHEPREFIX: path.join(dist, '.pycache') } });
  if (result.status !== 0) problems.push('the generated Python does not byte-compile');
  else console.log(`pacmak: ${count} Python files byte-compile (${python} -m compileall)`);
}

function parseJava() {
  if (spawnSync('java', ['-version']).status !== 0) {
    console.log('pacmak: no JDK on this machine, the generated Java is not parsed');
    return;
  }
  const files = walk(path.join(dist, 'java', 'src')).filter((f) => f.endsWith('.java'));
  const result = spawnSync('java', [path.join(__dirname, 'JavaSyntax.java'), ...files], { stdio: 'inherit' });
  if (result.status !== 0) problems.push('the generated Java does not parse');
}

function main() {
  const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
  if (!fs.existsSync(path.join(root, '.jsii.tabl.json'))) {
    console.error('pacmak: no .jsii.tabl.json: run npm run rosetta first');
    process.exit(1);
  }
  generate();
  checkNames(assembly);
  compilePython();
  parseJava();
  if (problems.length > 0) {
    console.error(`pacmak: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

main();
