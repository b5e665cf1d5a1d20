// Generated code is valid for real parsers: every HTML file of every target parses without a
// single error in parse5 (the WHATWG HTML5 parser), every CSS file in css-tree, both its syntax
// and each declaration's value against the property's grammar (design tokens substituted, as the
// grammar cannot see through var()), and every Vue single-file component compiles with Vue's own
// compiler. TypeScript type-checking is in frameworks.test.mjs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseHtml } from 'parse5';
import * as csstree from 'css-tree';
import { compileTemplate, parse as parseSfc } from 'vue/compiler-sfc';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');
const corpusDir = join(fileURLToPath(new URL('.', import.meta.url)), 'corpus');
const work = mkdtempSync(join(tmpdir(), 'od-d2c-validation-'));
after(() => rmSync(work, { recursive: true, force: true }));

function htmlErrors(html) {
  const errors = [];
  parseHtml(html, {
    sourceCodeLocationInfo: true,
    onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}, column ${e.startCol}`),
  });
  return errors;
}

// Custom properties declared in a style sheet (the design tokens), name -> value.
function tokensOf(css) {
  const tokens = {};
  csstree.walk(csstree.parse(css), { visit: 'Declaration', enter(node) {
    if (node.property.startsWith('--')) tokens[node.property] = csstree.generate(node.value).trim();
  } });
  return tokens;
}

// `tokens`: every custom property the page declares, in this or another of its sheets.
function cssErrors(css, tokens = tokensOf(css)) {
  const errors = [];
  const ast = csstree.parse(css, {
    positions: true,
    onParseError: (e) => errors.push(`${e.message} at line ${e.line}`),
  });
  csstree.walk(ast, { visit: 'Declaration', enter(node) {
    if (node.property.startsWith('--')) return;
    const text = csstree.generate(node.value).replace(/var\((--[A-Za-z0-9-]+)\)/g, (_, name) => {
      if (!(name in tokens)) errors.push(`${name} is used but not declared`);
      return ` ${tokens[name]} `;
    });
    const match = csstree.lexer.matchProperty(node.property, csstree.parse(text, { context: 'value' }));
    if (match.error) {
      errors.push(`line ${node.loc.start.line}: ${node.property}: ${text.trim()}: ` +
                  match.error.message.split('\n')[0]);
    }
  } });
  return errors;
}

function vueErrors(source, filename) {
  const { descriptor, errors } = parseSfc(source, { filename });
  const all = errors.map((e) => e.message);
  if (descriptor.template) {
    const compiled = compileTemplate({ source: descriptor.template.content, filename, id: filename });
    all.push(...compiled.errors.map((e) => (typeof e === 'string' ? e : e.message)));
  }
  return all;
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

test('the validators report broken HTML, CSS and Vue templates', () => {
  assert.notDeepEqual(htmlErrors('<!DOCTYPE html><html><body><div class="a></div></body>'), []);
  assert.notDeepEqual(htmlErrors('<p>unclosed <b>& </i></p>'), []);
  assert.notDeepEqual(cssErrors('.a { width: 10px; }\n.b { color: red; ; } }'), []);
  assert.notDeepEqual(cssErrors('.a { width: 12pz; }'), []);
  assert.notDeepEqual(cssErrors('.a { padding: var(--space-9); }'), []);
  assert.notDeepEqual(vueErrors('<template><div :class="a"</template>', 'Broken.vue'), []);
  assert.deepEqual(htmlErrors('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body></body></html>'), []);
});

const stats = { html: 0, css: 0, vue: 0 };
for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort()) {
  for (const target of ['html', 'react', 'vue']) {
    test(`${target}: ${file} parses without errors`, () => {
      const out = join(work, `${target}-${file}`);
      execFileSync(binary, ['design2code', join(corpusDir, file), '--target', target, '-o', out]);
      const problems = [];
      const files = filesUnder(out);
      const tokens = Object.assign({}, ...files.filter((p) => p.endsWith('.css'))
        .map((p) => tokensOf(readFileSync(p, 'utf8'))));
      for (const path of files) {
        const text = readFileSync(path, 'utf8');
        const name = relative(out, path);
        let errors = null;
        if (name.endsWith('.html')) (errors = htmlErrors(text), stats.html += 1);
        else if (name.endsWith('.css')) (errors = cssErrors(text, tokens), stats.css += 1);
        else if (name.endsWith('.vue')) (errors = vueErrors(text, name), stats.vue += 1);
        for (const e of errors ?? []) problems.push(`${name}: ${e}`);
      }
      assert.deepEqual(problems, []);
    });
  }
}

after(() => console.log(`design2code output validation: ${stats.html} HTML, ${stats.css} CSS and ` +
                        `${stats.vue} Vue files checked`));
