// Signing in and out of the manager pages: the form, where each kind of user lands, who is
// refused, the session cookie, and the end of a session.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fillSignIn, fixture, landedOn, newContext, open, showsError, signIn, submitWith, user } from './support.mjs';

const OFFICE = [
  'admin',
  'operations_manager',
  'accounts',
  'client_servicing',
  'sales',
  'purchase',
  'operator',
  'vehicle_manager',
  'godown_manager',
];

test('the sign-in page has a form with email, password, a CSRF token and a submit button', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await open(page, '/login');
  const form = page.locator('form#login');
  assert.equal(await form.locator('input[name=email]').count(), 1);
  assert.equal(await form.locator('input[name=password]').getAttribute('type'), 'password');
  assert.equal(await form.locator('input[name=csrf]').getAttribute('type'), 'hidden');
  assert.notEqual((await form.locator('input[name=csrf]').inputValue()).trim(), '', 'the CSRF token has a value');
  assert.equal(await form.locator('button[type=submit]').count(), 1);
  await context.close();
});

test('a wrong password shows the form again with an error and status 401', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const response = await fillSignIn(page, 'operations_manager', 'not-the-password');
  assert.equal(response.status(), 401);
  assert.notEqual((await page.locator('.error').first().textContent()).trim(), '');
  assert.equal(await page.locator('form#login').count(), 1);
  await context.close();
});

test('signing in answers 303 to / for office roles, /vendor for vendors and /client for clients', async () => {
  const expected = [...OFFICE.map((key) => [key, '/']), ['vendor', '/vendor'], ['client', '/client']];
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  for (const [key, home] of expected) {
    await context.clearCookies();
    await open(page, '/login');
    const csrf = await page.locator('form#login input[name=csrf]').inputValue();
    const response = await context.request.post('/login', {
      form: { email: user(key).email, password: fixture.password, csrf },
      maxRedirects: 0,
    });
    const location = response.headers().location;
    const target = location && new URL(location, fixture.baseUrl).pathname;
    if (response.status() !== 303 || target !== home) {
      problems.push(`${key}: ${response.status()} to ${location}, 303 to ${home} expected`);
    }
  }
  await context.close();
  assert.deepEqual(problems, []);
});

test('drivers, promoters and anchors are told to use the phone app and get no session', async () => {
  for (const key of ['driver', 'promoter', 'anchor']) {
    const context = await newContext();
    const page = await context.newPage();
    await fillSignIn(page, key);
    const error = await page.locator('.error').first().textContent();
    assert.match(error, /app/i, `${key} is pointed at the phone app: ${error}`);
    await page.goto('/');
    assert.equal(landedOn(page), '/login', `${key} opening / after the refusal`);
    await context.close();
  }
});

test('the session cookie is HttpOnly and SameSite=Lax, and not Secure over plain HTTP', async () => {
  const { context } = await signIn('operations_manager');
  const cookie = (await context.cookies()).find((c) => c.name === 'fleet_session');
  assert.ok(cookie, 'a fleet_session cookie was set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.secure, false);
  await context.close();
});

test('the header names the signed-in user with their role and offers a sign-out form', async () => {
  const { context, page } = await signIn('accounts');
  const who = await page.locator('header .who').textContent();
  assert.ok(who.includes(user('accounts').name), who);
  assert.match(who.toLowerCase(), /accounts/);
  const logout = page.locator('form#logout');
  assert.equal(await logout.getAttribute('action'), '/logout');
  assert.equal((await logout.getAttribute('method')).toLowerCase(), 'post');
  assert.equal(await logout.locator('input[name=csrf]').getAttribute('type'), 'hidden');
  assert.ok((await logout.locator('button').count()) >= 1, 'a sign-out button');
  await context.close();
});

test('a sign-out posted without the CSRF token is refused and the session goes on', async () => {
  const { context, page } = await signIn('operations_manager');
  const response = await context.request.post('/logout', { form: {}, maxRedirects: 0 });
  assert.equal(response.status(), 403);
  assert.ok(await showsError(context, await response.text()), 'the 403 page explains the refusal in .error');
  await open(page, '/');
  assert.equal(landedOn(page), '/');
  await context.close();
});

test('signing out ends the session, even for a copy of its cookie', async () => {
  const { context, page } = await signIn('operations_manager');
  const cookie = (await context.cookies()).find((c) => c.name === 'fleet_session');
  await submitWith(page, 'form#logout button');
  await page.goto('/');
  assert.equal(landedOn(page), '/login', 'after sign-out, / asks to sign in');

  const copy = await newContext();
  await copy.addCookies([cookie]);
  const stolen = await copy.newPage();
  await stolen.goto('/');
  assert.equal(landedOn(stolen), '/login', 'the old session cookie no longer opens a page');
  await copy.close();
  await context.close();
});
