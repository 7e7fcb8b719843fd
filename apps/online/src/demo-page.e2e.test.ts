import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser } from 'playwright-core';
import { startNearlineService } from '@marquee/play-processing';
import { connectTestPlatform, createRegistry, uniqueId } from '@marquee/testkit';
import { createOnlineApp } from './app';
import {
  bearer,
  fixtureOptions,
  token,
  onlineSettings,
  seedOnline,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

/** Debian's chromium (.ci/run installs it); without it the test is skipped locally and fails in CI. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => fs.existsSync(file));
const SCREENSHOTS = process.env['MARQUEE_TEST_OUTPUT'] ?? path.join(process.cwd(), 'test-output');

describe(
  'the /demo page in headless Chromium (real stack)',
  { skip: !CHROMIUM && !process.env['CI'] },
  () => {
    let platform: TestPlatform;
    let app: NestFastifyApplication;
    let base: string;
    let fixture: OnlineFixture;
    let stopNearline: () => Promise<void>;
    let browser: Browser;

    before(async () => {
      assert.ok(CHROMIUM, 'chromium is not installed: apt-get install chromium (see .ci/run)');
      platform = await connectTestPlatform('online-demo');
      fixture = await seedOnline(platform);
      // Titles 1-6 are for kids (G, PG), 7-12 are R: the popular list (1-10) mixes them.
      await platform.catalog.put(
        fixture.titles.map((t, i) => ({ ...t, maturityRating: i < 6 ? (i % 2 ? 'PG' : 'G') : 'R' })),
      );
      app = await createOnlineApp(
        onlineSettings(platform, createRegistry('online-demo'), fixtureOptions(fixture)),
      );
      await app.listen(0, '127.0.0.1');
      base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      stopNearline = (
        await startNearlineService(platform, createRegistry('nearline-for-demo'), {
          groupId: uniqueId('nl-'),
        })
      ).stop;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });

    after(async () => {
      await browser?.close();
      await stopNearline?.();
      await app?.close();
      await platform?.close();
    });

    it("shows a member's home screen and moves a clicked title into Continue watching", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${base}/demo`);
      await page.fill('#member', fixture.member);
      await page.selectOption('#device', 'tv');
      await page.click('#signin');

      const firstPick = page.locator('section.row[data-row-id="top-picks"] .tile').first();
      await firstPick.waitFor();
      assert.match((await page.textContent('#meta')) ?? '', new RegExp(`variant ${fixture.variant}`));
      const itemId = (await firstPick.getAttribute('data-item-id')) as string;
      assert.ok(fixture.personalList.includes(itemId), `${itemId} is from the member's list`);
      assert.equal(await page.locator('section.row[data-row-id="continue-watching"]').count(), 0);

      await firstPick.click();
      await page
        .locator(`section.row[data-row-id="continue-watching"] .tile[data-item-id="${itemId}"]`)
        .waitFor({ timeout: 10_000 });
      assert.match((await page.textContent('#status')) ?? '', /is in Continue watching after \d+ ms/);
      // Played, so no longer recommended anywhere else on the page.
      assert.equal(
        await page
          .locator(`section.row:not([data-row-id="continue-watching"]) .tile[data-item-id="${itemId}"]`)
          .count(),
        0,
      );

      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, 'demo-page.png');
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000, 'the screenshot has content');
      assert.deepEqual(errors, []);
    });

    it('the kids switch takes the R titles off the home screen, and switching back brings them back', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const forKids = new Set(fixture.titles.slice(0, 6).map((t) => t.itemId));
      const rated = new Set(fixture.titles.map((t) => t.itemId));
      // Only this test's titles: the keyspace's other titles are unrated, so also off a kids page.
      const shownR = async () =>
        (
          await page.locator('.tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-item-id')))
        ).filter((id): id is string => id !== null && rated.has(id) && !forKids.has(id));
      await page.goto(`${base}/demo`);
      await page.fill('#member', uniqueId('kid'));
      await page.click('#signin');
      await page.locator('section.row[data-row-id="top-picks"] .tile').first().waitFor();
      assert.equal(await page.isChecked('#kids'), false);
      assert.ok((await shownR()).length > 0, 'an adult sees R titles');
      assert.match((await page.textContent('#meta')) ?? '', /^profile adult/);

      await page.check('#kids');
      await page.locator('#status', { hasText: 'Kids profile' }).waitFor();
      assert.match((await page.textContent('#meta')) ?? '', /^profile kids/);
      assert.deepEqual(await shownR(), [], 'no R title on the kids home screen');
      const tiles = await page
        .locator('.tile')
        .evaluateAll((t) => t.map((e) => e.getAttribute('data-item-id')));
      assert.ok(
        tiles.some((id) => id !== null && forKids.has(id)),
        `the G and PG titles stay: ${tiles.join()}`,
      );
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-page-kids.png'), fullPage: true });

      await page.uncheck('#kids');
      await page.locator('#status', { hasText: 'Adult profile' }).waitFor();
      assert.ok((await shownR()).length > 0, 'the R titles are back');
      assert.deepEqual(errors, []);
    });

    it('shows the title a pin rule features, marked as featured', async () => {
      const featured = fixture.titles[11]?.itemId as string;
      const operator = { ...bearer(await token(platform, 'operator')), 'content-type': 'application/json' };
      const ruleId = uniqueId('demo-featured-');
      const put = await fetch(`${base}/v1/admin/rules/${ruleId}`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({ action: 'pin', items: [featured], rows: ['top-picks'], position: 1 }),
      });
      assert.equal(put.status, 200, await put.text());
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${base}/demo`);
        await page.fill('#member', fixture.member);
        await page.click('#signin');
        // Other rules of the shared test keyspace (the CLI demo's) may feature titles of their own.
        const tile = page.locator(
          `section.row[data-row-id="top-picks"] .tile.featured[data-rule="${ruleId}"]`,
        );
        await tile.waitFor();
        assert.equal(await tile.getAttribute('data-item-id'), featured);
        assert.equal(await tile.getAttribute('data-rule'), ruleId);
        assert.match((await tile.textContent()) ?? '', /Featured/);
        assert.match((await page.textContent('#meta')) ?? '', /rules:v\d+/);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-page-featured.png'), fullPage: true });
      } finally {
        await fetch(`${base}/v1/admin/rules/${ruleId}`, {
          method: 'DELETE',
          headers: bearer(await token(platform, 'operator')),
        });
      }
    });

    it('refuses a member id the API would not accept, naming the field', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/demo`);
      await page.fill('#member', 'not a member');
      await page.click('#signin');
      await page.locator('#status', { hasText: 'Cannot sign in' }).waitFor();
      assert.match((await page.textContent('#status')) ?? '', /memberId: must be 1-64 characters/);
    });
  },
);
