// The overview an operations manager opens first: today's figures, the documents about to expire
// and the field devices with their last sync.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture, number, open, screenshot, signedIn } from './support.mjs';

const FIGURES = [
  'approved-today',
  'approved-week',
  'pending',
  'activities-today',
  'people-today',
  'km-week',
  'running-campaigns',
];

async function figure(page, name) {
  const element = page.locator(`[data-figure="${name}"]`);
  assert.equal(await element.count(), 1, `one [data-figure=${name}]`);
  return number(await element.textContent());
}

test('the overview shows each of its figures as a number', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/');
  for (const name of FIGURES) {
    assert.ok(Number.isFinite(await figure(page, name)), name);
  }
  await screenshot(page, 'overview');
});

test("the overview counts today's activities, the people they reached and the running campaigns", async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/');
  const expected = fixture.overview;
  assert.equal(await figure(page, 'activities-today'), expected.activitiesToday);
  assert.equal(await figure(page, 'people-today'), expected.peopleToday);
  assert.equal(await figure(page, 'running-campaigns'), expected.runningCampaigns);
});

test('the pending figure is the number of expenses the pending list counts', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/');
  const pending = await figure(page, 'pending');
  await open(page, '/expenses?status=pending');
  assert.equal(number(await page.locator('#count').textContent()), pending);
});

test('the overview lists the vehicle and driver documents expiring within 30 days, and no others', async () => {
  // Roles that read vehicles and drivers see their documents; an admin reads them all.
  const { page } = await signedIn('admin');
  await open(page, '/');
  const table = await page.locator('table#expiring').textContent();
  for (const name of fixture.overview.expiring) {
    assert.ok(table.includes(name), `${name} is listed as expiring`);
  }
  assert.ok(!table.includes(fixture.overview.notExpiring), `${fixture.overview.notExpiring} expires later`);
});

test('the overview lists each field device with its last sync and marks the one silent for two days stale', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/');
  const rows = page.locator('table#devices tr:has(td.user)');
  assert.equal(await rows.count(), fixture.overview.fieldDevices, 'one row per field device');
  for (const sync of await rows.locator('td.last-sync').allTextContents()) {
    assert.notEqual(sync.trim(), '', 'each device shows when it last synced');
  }
  const stale = page.locator('table#devices tr.stale');
  assert.equal(await stale.count(), 1, 'exactly the silent device is stale');
  assert.ok((await stale.locator('td.user').textContent()).includes(fixture.overview.quietUser));
});
