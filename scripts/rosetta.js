#!/usr/bin/env node
// jsii-rosetta, strict: compiles every TypeScript example of the README and of the doc comments
// (`@example`) against the built assembly, with the fixtures in rosetta/, and translates them into
// Python, Java, C# and Go (.jsii.tabl.json, which jsii-pacmak reads). Then writes the README's
// Python and Java versions of the Quick start from that tablet, between the `rosetta:` markers;
// `--check` fails instead if they differ. Needs `npm run build` first (the README is read from .jsii).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const readmeFile = path.join(root, 'README.md');
const tabletFile = path.join(root, '.jsii.tabl.json');
const check = process.argv.includes('--check');

const BEGIN = '<!-- rosetta:translations begin (npm run rosetta writes this part from the block above; do not edit) -->';
const END = '<!-- rosetta:translations end -->';
const LANGUAGES = [['python', 'Python'], ['java', 'Java']];

function fail(message) {
  console.error(`rosetta: ${message}`);
  process.exit(1);
}

function extract() {
  const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
  if (assembly.readme?.markdown.trim() !== fs.readFileSync(readmeFile, 'utf8').trim()) {
    fail('.jsii holds an older README.md: run npm run build first');
  }
  fs.rmSync(tabletFile, { force: true });
  const bin = path.join(path.dirname(require.resolve('jsii-rosetta/package.json')), 'bin', 'jsii-rosetta');
  try {
    execFileSync(process.execPath, [bin, 'extract', '--strict'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
    });
  } catch {
    fail('an example does not compile (strict mode; fixtures in rosetta/)');
  }
  return Object.values(JSON.parse(fs.readFileSync(tabletFile, 'utf8')).snippets);
}

/** The README with its translations section rewritten from the tablet's translation of the ```ts block before it. */
function withTranslations(readme, snippets) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) fail(`README.md has no ${BEGIN} ... ${END} section`);
  const blocks = [...readme.slice(0, begin).matchAll(/^```ts[^\n]*\n([\s\S]*?)^```/gm)];
  if (blocks.length === 0) fail('no ```ts block before the translations section');
  const source = blocks[blocks.length - 1][1].trim();
  const snippet = snippets.find((s) => s.location.api.api === 'moduleReadme' && s.translations.$.source.trim() === source);
  if (!snippet) fail('the tablet has no translation of the block before the translations section');
  const parts = LANGUAGES.map(([language, title]) => {
    const translation = snippet.translations[language];
    if (!translation) fail(`the tablet has no ${title} translation`);
    return `**${title}**\n\n\`\`\`${language}\n${translation.source.trim()}\n\`\`\``;
  });
  return `${readme.slice(0, begin)}${BEGIN}\n\n${parts.join('\n\n')}\n\n${readme.slice(end)}`;
}

function main() {
  const snippets = extract();
  const failed = snippets.filter((s) => !s.didCompile);
  if (failed.length > 0) fail(`${failed.length} examples did not compile`);
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const updated = withTranslations(readme, snippets);
  const where = (s) => (s.location.api.api === 'moduleReadme' ? `README.md:${s.location.field.line}` : s.location.api.fqn);
  console.log(`rosetta: ${snippets.length} examples compile and translate (${snippets.map(where).join(', ')})`);
  if (updated === readme) {
    console.log('rosetta: the README\'s Python and Java examples match the translation');
  } else if (check) {
    fail('the README\'s Python and Java examples are stale: run npm run build && npm run rosetta');
  } else {
    fs.writeFileSync(readmeFile, updated);
    console.log('rosetta: wrote the README\'s Python and Java examples (run npm run build again: .jsii embeds the README)');
  }
}

main();
