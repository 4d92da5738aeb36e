// Vendors and clients see their own slice only: a vendor its fleet, drivers, invoices and
// payments and the campaigns it works on; a client its projects and campaigns with the activity
// photos as proof of work. Another tenant's pages and photos answer 404.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture, naturalWidth, open, screenshot, signedIn, statusOf } from './support.mjs';

const { vendor, vendor2 } = fixture.vendors;
const campaign = fixture.campaigns.shared;

/** The forms of the page other than sign-out, by id or action. */
async function formsBesidesLogout(page) {
  return page.locator('form:not(#logout)').evaluateAll((forms) => forms.map((f) => f.id || f.action));
}

test("a vendor's page shows its vehicles, drivers, invoices and payments, and not another vendor's vehicles", async () => {
  const { page } = await signedIn('vendor');
  await open(page, '/vendor');
  for (const section of ['#vehicles', '#drivers', '#invoices', '#payments']) {
    assert.equal(await page.locator(section).count(), 1, section);
  }
  const vehicles = await page.locator('#vehicles').textContent();
  for (const number of vendor.vehicles) {
    assert.ok(vehicles.includes(number), `${number} is listed`);
  }
  for (const number of vendor2.vehicles) {
    assert.ok(!vehicles.includes(number), `${number} belongs to another vendor`);
  }
  const drivers = await page.locator('#drivers').textContent();
  for (const name of vendor.drivers) {
    assert.ok(drivers.includes(name), `${name} is listed`);
  }
  await screenshot(page, 'vendor');
});

test("a vendor gets 404 for another vendor's page", async () => {
  const { context } = await signedIn('vendor');
  assert.equal(await statusOf(context, `/vendors/${vendor2.id}`), 404);
});

test('a vendor opens a campaign it works on and gets 404 for one it does not', async () => {
  const { context, page } = await signedIn('vendor');
  await open(page, `/campaigns/${campaign.id}`);
  assert.equal(await statusOf(context, `/campaigns/${fixture.campaigns.notVendors}`), 404);
});

test("a vendor cannot fetch the bill photo of another vendor's driver", async () => {
  const { context } = await signedIn('vendor2');
  assert.equal(await statusOf(context, `/media/${fixture.media.bill}`), 404);
  assert.equal(await statusOf(context, `/media/${fixture.media.bill}/thumb`), 404);
});

test("an admin opens any vendor's page with its vehicles, drivers, invoices and payments", async () => {
  const { page } = await signedIn('admin');
  await open(page, `/vendors/${vendor2.id}`);
  for (const section of ['#vehicles', '#drivers', '#invoices', '#payments']) {
    assert.equal(await page.locator(section).count(), 1, section);
  }
  const vehicles = await page.locator('#vehicles').textContent();
  assert.ok(vendor2.vehicles.every((n) => vehicles.includes(n)), vehicles);
});

test("a client's page lists its campaigns, read-only", async () => {
  const { page } = await signedIn('client');
  await open(page, '/client');
  assert.ok((await page.locator(`a[href$="/campaigns/${campaign.id}"]`).count()) >= 1, `a link to ${campaign.name}`);
  assert.ok((await page.textContent('body')).includes(campaign.name));
  assert.deepEqual(await formsBesidesLogout(page), [], 'no form but sign-out');
  await screenshot(page, 'client');
});

test("a client's campaign page shows the activity photos as proof of work, read-only", async () => {
  const { page } = await signedIn('client');
  await open(page, `/campaigns/${campaign.id}`);
  const photos = page.locator('figure img');
  assert.ok((await photos.count()) >= 3, 'the before, during and after photos at least');
  assert.ok((await naturalWidth(photos.first())) > 0, 'a photo loaded');
  assert.deepEqual(await formsBesidesLogout(page), [], 'no form but sign-out');
});

test("a client opening the activities by address sees those of its own campaigns only", async () => {
  const { page } = await signedIn('client');
  await open(page, '/activities');
  const ids = await page.locator('article.activity').evaluateAll((cards) => cards.map((c) => c.dataset.activityId));
  const byNumber = (a, b) => a - b;
  assert.deepEqual(ids.map(Number).sort(byNumber), [...fixture.activities.ofClient].sort(byNumber));
});

test("another client gets 404 for that campaign and for its photos", async () => {
  const { context } = await signedIn('client2');
  assert.equal(await statusOf(context, `/campaigns/${campaign.id}`), 404);
  assert.equal(await statusOf(context, `/media/${fixture.media.activity}`), 404);
});
