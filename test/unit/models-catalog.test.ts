// Published model ids and URLs: no host is built in; ids resolve under the user's base URL only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { installName, manifestUrlFor, PUBLISHED_MODELS } from '../../src/models/catalog';

test('an id resolves to <base>/<id>/diffcoder.json, and only with a base URL', () => {
  assert.equal(manifestUrlFor('stable-diffcoder-8b-base-int4', 'https://models.example.test/dc/'), 'https://models.example.test/dc/stable-diffcoder-8b-base-int4/diffcoder.json');
  assert.throws(() => manifestUrlFor('stable-diffcoder-8b-base-int4', ''), /no base URL for model ids: set diffcoder\.models\.baseUrl/);
  assert.throws(() => manifestUrlFor('../etc', 'https://x.test'), /neither a URL nor a model id/);
});

test('a URL is used as given: a .json is the manifest, a folder gets /diffcoder.json', () => {
  assert.equal(manifestUrlFor('https://h.test/a/pkg/', undefined), 'https://h.test/a/pkg/diffcoder.json');
  assert.equal(manifestUrlFor('https://h.test/a/files.json', 'https://ignored.test'), 'https://h.test/a/files.json');
  assert.equal(installName('https://h.test/a/my-model/diffcoder.json'), 'my-model');
  assert.equal(installName('https://h.test/a/my model/'), 'my_model');
  assert.equal(installName('stable-diffcoder-8b-instruct-int4'), 'stable-diffcoder-8b-instruct-int4');
});

test('each published id names what it is best at, Base for completions and Instruct for edits', () => {
  for (const m of PUBLISHED_MODELS) assert.equal(m.bestFor, m.id.includes('instruct') ? 'edit' : 'infill', m.id);
  assert.equal(new Set(PUBLISHED_MODELS.map((m) => m.id)).size, PUBLISHED_MODELS.length);
});
