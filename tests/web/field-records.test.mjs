// What the phones sent, as an operations manager reads it: promoter activities with their photos
// (and text typed on a phone shown as text, never run as markup), a trip report with its track,
// a campaign with everything on it, and the conflicts the server kept.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { dialogs, fixture, naturalWidth, number, open, screenshot, signedIn } from './support.mjs';

const { escaped, withPhotos } = fixture.activities;
const activity = (page, id) => page.locator(`article.activity[data-activity-id="${id}"]`);

test("filtering activities by campaign lists that campaign's activities", async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/activities?campaign_id=${withPhotos.campaignId}`);
  assert.equal(await page.locator('article.activity').count(), fixture.activities.onCampaign);
  assert.equal(await activity(page, withPhotos.id).count(), 1);
});

test('an activity shows its village, date, attendance and before, during and after photos', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/activities?campaign_id=${withPhotos.campaignId}`);
  const card = activity(page, withPhotos.id);
  assert.equal((await card.locator('.village').textContent()).trim(), withPhotos.village);
  assert.notEqual((await card.locator('.date').textContent()).trim(), '');
  assert.equal(number(await card.locator('.attendance').textContent()), withPhotos.people);
  for (const moment of ['before', 'during', 'after']) {
    assert.ok((await naturalWidth(card.locator(`figure.${moment} img`))) > 0, `the ${moment} photo loaded`);
  }
  await screenshot(page, 'activities');
});

test('a village and remarks typed as markup on a phone show as text and run nothing', async () => {
  const { page } = await signedIn('operations_manager');
  const before = dialogs.length;
  await open(page, `/activities?campaign_id=${escaped.campaignId}`);
  const card = activity(page, escaped.id);
  assert.ok((await card.locator('.village').textContent()).includes(escaped.village), 'the village reads literally');
  assert.equal(await card.locator('script').count(), 0, 'no script element came from the village');
  assert.equal(await page.locator('b', { hasText: 'bold' }).count(), 0, 'no <b> element came from the remarks');
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs.slice(before), [], 'no dialog opened');
});

test('the reports list links to the trip report', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/reports');
  const link = page.locator(`table#reports a[href$="/reports/${fixture.report.id}"]`);
  assert.ok((await link.count()) >= 1, 'a link to the report');
  await Promise.all([page.waitForNavigation(), link.first().click()]);
  assert.equal(new URL(page.url()).pathname, `/reports/${fixture.report.id}`);
});

test('a trip report shows its kilometres, places, notes and photo', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/reports/${fixture.report.id}`);
  assert.ok(Math.abs(number(await page.locator('.km').textContent()) - fixture.report.km) < 0.01, 'kilometres');
  assert.ok((await page.locator('.locations').textContent()).includes(fixture.report.locations));
  assert.ok((await page.locator('.notes').textContent()).includes(fixture.report.notes));
  const photo = page.locator('img[src*="/media/"]').first();
  assert.ok((await naturalWidth(photo)) > 0, 'the trip photo loaded');
});

test('a trip report draws its GPS track as a line with an extent', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, `/reports/${fixture.report.id}`);
  const line = page.locator('svg.track polyline, svg.track path').first();
  const box = await line.evaluate((shape) => {
    const { width, height } = shape.getBBox();
    return { width, height };
  });
  assert.ok(box.width > 0 && box.height > 0, `the track spans an area: ${JSON.stringify(box)}`);
  await screenshot(page, 'report');
});

test('the campaigns list links to each campaign', async () => {
  const { page } = await signedIn('operations_manager');
  const campaign = fixture.campaigns.shared;
  await open(page, '/campaigns');
  const listed = page.locator(`table#campaigns tr[data-campaign-id="${campaign.id}"]`);
  assert.equal(await listed.count(), 1);
  assert.ok((await listed.locator(`a[href$="/campaigns/${campaign.id}"]`).count()) >= 1, 'the row links to it');
});

test('a campaign page has one section each for vendors, expenses, activities, reports, invoices, payments and totals', async () => {
  // An admin reads every table; other roles see the sections of what they may read.
  const { page } = await signedIn('admin');
  await open(page, `/campaigns/${fixture.campaigns.shared.id}`);
  const sections = ['vendors', 'expenses', 'activities', 'reports', 'invoices', 'payments', 'totals'];
  const counts = await page.evaluate(
    (ids) => ids.map((id) => `#${id}: ${document.querySelectorAll(`[id="${id}"]`).length}`),
    sections,
  );
  assert.deepEqual(counts, sections.map((id) => `#${id}: 1`), 'each section once (an id names one element)');
});

test('a campaign page names its vendors, its activities, its trip report and its budget', async () => {
  const { page } = await signedIn('admin');
  const campaign = fixture.campaigns.shared;
  await open(page, `/campaigns/${campaign.id}`);
  await screenshot(page, 'campaign');
  const vendors = await page.locator('section#vendors').textContent();
  for (const name of campaign.vendors) {
    assert.ok(vendors.includes(name), `${name} is among the vendors`);
  }
  assert.ok((await page.locator('section#activities').textContent()).includes(withPhotos.village));
  assert.ok((await page.locator(`section#reports a[href$="/reports/${fixture.report.id}"]`).count()) >= 1);
  const totals = (await page.locator('section#totals').textContent()).replace(/[,\s\u00a0]/g, '');
  assert.ok(totals.includes(campaign.budget), `the budget ${campaign.budget} is in the totals: ${totals}`);
});

test('the conflicts page shows the refused and the superseded edit, each with the change it would have made', async () => {
  const { page } = await signedIn('operations_manager');
  await open(page, '/conflicts');
  await screenshot(page, 'conflicts');
  const problems = [];
  for (const [reason, { from, to }] of [
    ['rejected', fixture.conflicts.refused],
    ['superseded', fixture.conflicts.older],
  ]) {
    const rows = page.locator('table#conflicts tr', { has: page.locator('td.reason', { hasText: reason }) });
    if ((await rows.count()) === 0) {
      problems.push(`no ${reason} conflict is listed`);
      continue;
    }
    const changes = await rows.first().locator('td.changes').textContent();
    if (!changes.includes(from) || !changes.includes(to)) {
      problems.push(`${reason}: td.changes should show the amount ${from} → ${to}: ${changes.trim()}`);
    }
    if ((await rows.first().locator('td.why').textContent()).trim() === '') {
      problems.push(`${reason}: td.why is empty`);
    }
  }
  assert.deepEqual(problems, []);
});
