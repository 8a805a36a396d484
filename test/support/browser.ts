import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (installed by .ci/run): playwright cannot download browsers here. */
export const CHROMIUM = process.env.ROSTER_TEST_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Saves a screenshot as a test artifact (.tmp/screenshots), and into docs/images when ROSTER_DOCS_SCREENSHOTS=1. */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

const ARTIFACTS = resolve(".tmp/screenshots");
const DOCS_IMAGES = resolve("docs/images");

/** A headless Chromium with a fresh profile of its own, at a laptop's width. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "roster-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(15_000);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    async screenshot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
      if (process.env.ROSTER_DOCS_SCREENSHOTS === "1") {
        mkdirSync(DOCS_IMAGES, { recursive: true });
        await page.screenshot({ path: join(DOCS_IMAGES, `${name}.png`), fullPage: true });
      }
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
