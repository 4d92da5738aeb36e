// The expenses list of an operations manager: filters, bill photos, the CSV export, and the review
// itself (approve, reject with a note), which refuses a post without its CSRF token. The tests of
// this file run in order: the list is filtered before the review changes it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  csvRecords,
  fixture,
  naturalWidth,
  number,
  open,
  screenshot,
  showsError,
  signedIn,
  submitWith,
} from './support.mjs';

const { approve, reject, untouched, driver2 } = fixture.expenses;

const row = (page, id) => page.locator(`table#expenses tr[data-expense-id="${id}"]`);

async function statusOf(page, id) {
  return (await row(page, id).locator('td.status').textContent()).trim().toLowerCase();
}

test('filtering by status lists only pending expenses, and counts them', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/expenses');
  await page.selectOption('form#filters select[name=status]', 'pending');
  await submitWith(page, 'form#filters [type=submit]');
  assert.equal(new URL(page.url()).searchParams.get('status'), 'pending');
  const cells = await page.locator('table#expenses tr[data-expense-id] td.status').allTextContents();
  const statuses = cells.map((text) => text.trim().toLowerCase());
  assert.deepEqual(statuses, statuses.map(() => 'pending'));
  assert.equal(statuses.length, fixture.expenses.pending, 'every pending expense is listed');
  assert.equal(number(await page.locator('#count').textContent()), fixture.expenses.pending);
  assert.equal(await row(page, approve.id).count(), 1, 'the expense to approve is among them');
  await screenshot(page, 'expenses');
});

test("filtering by driver lists only that driver's expenses", async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/expenses?driver_id=${driver2.driverId}`);
  const drivers = await page.locator('table#expenses tr[data-expense-id] td.driver').allTextContents();
  assert.equal(drivers.length, driver2.count);
  assert.ok(drivers.every((d) => d.includes(driver2.name)), drivers.join(', '));
  assert.equal(number(await page.locator('#count').textContent()), driver2.count);
});

test("filtering by vendor lists the expenses of that vendor's drivers", async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/expenses?vendor_id=${fixture.vendors.vendor2.id}`);
  const drivers = await page.locator('table#expenses tr[data-expense-id] td.driver').allTextContents();
  assert.equal(drivers.length, driver2.count);
  assert.ok(drivers.every((d) => d.includes(driver2.name)), drivers.join(', '));
});

test('filtering by dates keeps the expenses submitted between them', async () => {
  const { page } = await signedIn('operations_manager');
  const today = fixture.today;
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await open(page, `/expenses?from=${today}&to=${today}`);
  assert.equal(number(await page.locator('#count').textContent()), fixture.expenses.total);
  await open(page, `/expenses?from=${tomorrow}`);
  assert.equal(number(await page.locator('#count').textContent()), 0);
  assert.equal(await page.locator('table#expenses tr[data-expense-id]').count(), 0);
});

test('an expense row shows its amount, driver and campaign', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/expenses?campaign_id=${fixture.campaigns.shared.id}`);
  const cells = row(page, approve.id);
  assert.equal(number(await cells.locator('td.amount').textContent()), Number(approve.amount));
  assert.ok((await cells.locator('td.driver').textContent()).includes(fixture.users.driver.name));
  assert.ok((await cells.locator('td.campaign').textContent()).includes(fixture.campaigns.shared.name));
});

test('a bill thumbnail loads and links to the full-size JPEG', async () => {
  const { context, page } = await signedIn('operations_manager');
  await open(page, '/expenses');
  const link = row(page, approve.id).locator('a.photo');
  const thumb = link.locator('img.thumb');
  const thumbs = await page.locator('table#expenses img.thumb').all();
  assert.ok(thumbs.length >= 3, 'the three bill photos have thumbnails');
  for (const each of thumbs) {
    assert.ok((await naturalWidth(each)) > 0, `${await each.getAttribute('src')} loaded`);
  }
  const href = await link.getAttribute('href');
  assert.match(new URL(href, fixture.baseUrl).pathname, /^\/media\/[0-9a-f]{64}$/);
  const full = await context.request.get(href);
  assert.equal(full.status(), 200);
  assert.match(full.headers()['content-type'], /^image\/jpeg/);
  const small = await context.request.get(await thumb.getAttribute('src'));
  assert.equal(small.status(), 200);
  assert.ok((await small.body()).length < (await full.body()).length, 'the thumbnail is smaller than the photo');
});

test('the CSV export follows the filters of the list', async () => {
  const { context, page } = await signedIn('operations_manager');
  await open(page, `/expenses?driver_id=${driver2.driverId}`);
  const href = new URL(await page.locator('a#export-csv').getAttribute('href'), fixture.baseUrl);
  assert.equal(href.pathname, '/expenses.csv');
  assert.equal(href.searchParams.get('driver_id'), String(driver2.driverId));
  const response = await context.request.get(href.href);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^text\/csv/);
  const records = csvRecords(await response.text());
  assert.match(records[0].toLowerCase(), /amount/, 'a header row first');
  assert.equal(records.length, 1 + driver2.count, 'the header and one row per expense of the driver');
});

test('the CSV export without filters holds every expense', async () => {
  const { context } = await signedIn('operations_manager');
  const response = await context.request.get('/expenses.csv');
  assert.equal(response.status(), 200);
  assert.equal(csvRecords(await response.text()).length, 1 + fixture.expenses.total);
});

test('approving a checked expense redirects with a notice, and the list shows it approved', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/expenses?status=pending');
  await page.check(`form#review input[type=checkbox][name=ids][value="${approve.id}"]`);
  const response = await submitWith(page, 'form#review button[name=action][value=approve]');
  assert.equal((await response.request().redirectedFrom()?.response())?.status(), 303, 'the review answers 303');
  assert.equal(response.status(), 200);
  assert.notEqual((await page.locator('.notice').first().textContent()).trim(), '');
  await open(page, '/expenses?status=approved');
  assert.equal(await statusOf(page, approve.id), 'approved');
});

test('rejecting a checked expense with a note shows it rejected', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/expenses?status=pending');
  await page.check(`form#review input[type=checkbox][name=ids][value="${reject.id}"]`);
  await page.fill('form#review [name=note]', reject.note);
  await submitWith(page, 'form#review button[name=action][value=reject]');
  assert.notEqual((await page.locator('.notice').first().textContent()).trim(), '');
  await open(page, '/expenses?status=rejected');
  assert.equal(await statusOf(page, reject.id), 'rejected');
});

test('a review posted without the CSRF token answers 403 and leaves the expense pending', async () => {
  const { context, page } = await signedIn('operations_manager');
  const response = await context.request.post('/expenses/review', {
    form: { ids: String(untouched.id), action: 'approve', note: '' },
    maxRedirects: 0,
  });
  assert.equal(response.status(), 403);
  assert.ok(await showsError(context, await response.text()), 'the 403 page explains the refusal in .error');
  await open(page, `/expenses?driver_id=${driver2.driverId}`);
  await page.reload();
  assert.equal(await statusOf(page, untouched.id), 'pending');
});

test('a review posted with a wrong CSRF token answers 403 and leaves the expense pending', async () => {
  const { context, page } = await signedIn('operations_manager');
  const token = await page.locator('meta[name=csrf-token]').getAttribute('content');
  const response = await context.request.post('/expenses/review', {
    form: { ids: String(untouched.id), action: 'approve', note: '', csrf: `${token}x` },
    maxRedirects: 0,
  });
  assert.equal(response.status(), 403);
  await open(page, `/expenses?driver_id=${driver2.driverId}`);
  assert.equal(await statusOf(page, untouched.id), 'pending');
});

test('accounts may review: pending rows carry a checkbox in the review form', async () => {
  const { page } = await signedIn('accounts');
  await open(page, '/expenses?status=pending');
  assert.equal(await page.locator(`form#review input[type=checkbox][name=ids][value="${untouched.id}"]`).count(), 1);
});
