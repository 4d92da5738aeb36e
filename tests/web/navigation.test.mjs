// Each kind of user walks the links of its navigation: each answers 200 and shows its page, with
// the user named in the header and a CSRF token in every form that posts. Links to what a role
// may not use are not offered, and those pages refuse the role when opened by address.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loose, signedIn, statusOf, user } from './support.mjs';

// What each walked role's navigation offers and leaves out, by path (the page contract, after
// docs/roles.md).
const NAVIGATION = {
  admin: { offers: ['/', '/expenses', '/activities', '/reports', '/campaigns', '/conflicts'], hides: [] },
  operations_manager: {
    offers: ['/', '/expenses', '/activities', '/reports', '/campaigns', '/conflicts'],
    hides: [],
  },
  // Accounts reads every expense, so it sees the expenses' conflicts (docs/manager-pages.md).
  accounts: { offers: ['/', '/expenses', '/conflicts'], hides: ['/activities', '/reports'] },
  client_servicing: { offers: ['/', '/campaigns'], hides: ['/expenses', '/activities', '/reports', '/conflicts'] },
  vendor: { offers: ['/vendor'], hides: ['/expenses', '/activities', '/reports', '/conflicts'] },
  // A client reads the activities of its own campaigns (tenants.test.mjs), so /activities is not refused.
  client: { offers: ['/client'], hides: ['/expenses', '/reports', '/conflicts'] },
};

// The element that shows a page is itself, by the path the page ended on.
const MAIN_ELEMENT = [
  [/^\/$/, '[data-figure]'],
  [/^\/expenses$/, 'table#expenses'],
  [/^\/activities$/, 'article.activity'],
  [/^\/reports$/, 'table#reports'],
  [/^\/campaigns$/, 'table#campaigns'],
  [/^\/conflicts$/, 'table#conflicts'],
  [/^\/vendors?\/\d+$|^\/vendor$/, '#vehicles'],
  [/^\/client$/, 'a[href^="/campaigns/"]'],
];

function mainElement(path) {
  return MAIN_ELEMENT.find(([pattern]) => pattern.test(path))?.[1];
}

/** The same-origin paths the header's `nav` links to, each once (paging has a nav of its own). */
async function navigationPaths(page) {
  const hrefs = await page.locator('header nav a[href]').evaluateAll((links) => links.map((a) => a.href));
  const origin = new URL(page.url()).origin;
  const paths = hrefs.map((href) => new URL(href)).filter((url) => url.origin === origin);
  return [...new Set(paths.map((url) => url.pathname + url.search))];
}

for (const [key, { offers, hides }] of Object.entries(NAVIGATION)) {
  test(`${key}: every navigation link answers 200 and shows its page`, async () => {
    const { page } = await signedIn(key);
    const paths = await navigationPaths(page);
    const problems = [];
    for (const path of offers) {
      if (!paths.some((p) => new URL(p, 'http://x').pathname === path)) {
        problems.push(`the nav does not offer ${path} (it offers ${paths.join(', ')})`);
      }
    }
    for (const path of paths) {
      const response = await page.goto(path);
      if (response.status() !== 200) {
        problems.push(`GET ${path}: ${response.status()}`);
        continue;
      }
      const who = (await page.locator('header .who').allTextContents()).join(' ');
      if (!who.includes(user(key).name) || !loose(who).includes(loose(user(key).role))) {
        problems.push(`${path}: header .who ${JSON.stringify(who)} lacks the name or the role`);
      }
      const main = mainElement(new URL(page.url()).pathname);
      if (main && (await page.locator(main).count()) === 0) {
        problems.push(`${path}: no ${main}`);
      }
      const token = await page.locator('meta[name=csrf-token]').getAttribute('content');
      if (!token?.trim()) {
        problems.push(`${path}: no csrf-token meta`);
      }
      const posts = await page
        .locator('form')
        .evaluateAll((forms) =>
          forms
            .filter((f) => (f.getAttribute('method') ?? 'get').toLowerCase() === 'post')
            .map((f) => [f.id || f.action, f.querySelector('input[name=csrf]')?.value]),
        );
      for (const [form, value] of posts) {
        if (value !== token) {
          problems.push(`${path}: the POST form ${form} carries csrf ${value}, the page's token is ${token}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  if (hides.length > 0) {
    test(`${key}: no link to what it may not use, and those pages refuse it`, async () => {
      const { context, page } = await signedIn(key);
      await page.goto('/');
      const paths = (await navigationPaths(page)).map((p) => new URL(p, 'http://x').pathname);
      const problems = [];
      for (const path of hides) {
        if (paths.includes(path)) {
          problems.push(`the nav offers ${path}`);
        }
        const status = await statusOf(context, path);
        if (![403, 404].includes(status)) {
          problems.push(`GET ${path}: ${status}, 403 or 404 expected`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
}
