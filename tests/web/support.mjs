// Shared by the browser suite: the fixture written by tests/tests/manager_pages.rs, one headless
// Chromium per test file, a signed-in browser context per role, and small helpers for what the
// tests read off the pages.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';

import { chromium } from 'playwright-core';

function loadFixture() {
  const file = process.env.FLEET_WEB_FIXTURE;
  if (!file) {
    throw new Error(
      'FLEET_WEB_FIXTURE is not set: this suite runs inside `cargo nextest run -p fleet-tests --test manager_pages`, ' +
        'which starts the server on a fresh database and writes the fixture',
    );
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** What the database holds: ids, names and the figures the pages should show. */
export const fixture = loadFixture();

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser;
const sessions = new Map();

/** Messages of every dialog (alert, confirm, prompt) any page opened; none should. */
export const dialogs = [];

after(async () => {
  await browser?.close();
});

async function theBrowser() {
  browser ??= await chromium.launch({ executablePath: fixture.chromium, args: LAUNCH_ARGS });
  return browser;
}

/** A fresh browser context (its own cookies) on the server, 1280 pixels wide. */
export async function newContext() {
  const context = await (await theBrowser()).newContext({
    baseURL: fixture.baseUrl,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => {
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  });
  return context;
}

/** The demo login of a role key of the fixture (`operations_manager`, `vendor2`, ...). */
export function user(key) {
  const found = fixture.users[key];
  assert.ok(found, `no user ${key} in the fixture`);
  return found;
}

/** Submits a form by clicking `button` and waits for the page it leads to; its response. */
export async function submitWith(page, button) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(button)]);
  return response;
}

/** Fills the sign-in form as `key` and submits it; the final response. */
export async function fillSignIn(page, key, password = fixture.password) {
  const response = await page.goto('/login');
  assert.equal(response.status(), 200, 'GET /login');
  await page.fill('form#login input[name=email]', user(key).email);
  await page.fill('form#login input[name=password]', password);
  return submitWith(page, 'form#login button[type=submit]');
}

/** A new context signed in through the form as `key`: `{ context, page }`. */
export async function signIn(key) {
  const context = await newContext();
  const page = await context.newPage();
  await fillSignIn(page, key);
  const landed = new URL(page.url()).pathname;
  const errors = await page.locator('.error').allTextContents();
  assert.notEqual(landed, '/login', `${key} could not sign in: ${errors.join(' ')}`);
  return { context, page };
}

/** The signed-in context of `key`, made once per test file and shared by its tests. */
export function signedIn(key) {
  if (!sessions.has(key)) {
    sessions.set(key, signIn(key));
  }
  return sessions.get(key);
}

/** Opens `path` in `page`, failing unless it answers 200; the response. */
export async function open(page, path) {
  const response = await page.goto(path);
  assert.equal(response.status(), 200, `GET ${path}`);
  return response;
}

/** The status `path` answers the signed-in context, without following redirects. */
export async function statusOf(context, path) {
  const response = await context.request.get(path, { maxRedirects: 0 });
  return response.status();
}

/** The path a page ended on, after redirects. */
export function landedOn(page) {
  return new URL(page.url()).pathname;
}

/** The first number in a text, ignoring thousands separators and currency signs. */
export function number(text) {
  const match = (text ?? '').replace(/[,\u00a0\s]/g, '').match(/-?\d+(\.\d+)?/);
  assert.ok(match, `no number in ${JSON.stringify(text)}`);
  return Number(match[0]);
}

/** Text for loose comparison: lower case, runs of spaces, underscores and dashes as one space. */
export function loose(text) {
  return (text ?? '').toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

/** The natural width of an image once it has loaded (0 if it failed). */
export async function naturalWidth(image) {
  await image.scrollIntoViewIfNeeded();
  return image.evaluate((img) =>
    img.complete && img.naturalWidth > 0
      ? img.naturalWidth
      : new Promise((resolve) => {
          img.addEventListener('load', () => resolve(img.naturalWidth));
          img.addEventListener('error', () => resolve(0));
          setTimeout(() => resolve(img.naturalWidth), 5_000);
        }),
  );
}

/** Records in a CSV text (a newline inside quotes does not end one), blank lines left out. */
export function csvRecords(text) {
  const records = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') {
      quoted = !quoted;
    }
    if ((char === '\n' || char === '\r') && !quoted) {
      if (current.trim() !== '') {
        records.push(current);
      }
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') {
    records.push(current);
  }
  return records;
}

/** Whether a response (or the HTML of a page) carries an element with class `error`. */
export async function showsError(context, html) {
  const probe = await context.newPage();
  try {
    await probe.setContent(html, { waitUntil: 'domcontentloaded' });
    const texts = await probe.locator('.error').allTextContents();
    return texts.some((t) => t.trim() !== '');
  } finally {
    await probe.close();
  }
}

/** A full-page screenshot, `web-<name>.png` in the fixture's screenshots folder. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(fixture.screenshots, `web-${name}.png`), fullPage: true });
}
