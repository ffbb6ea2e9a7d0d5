import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../../scripts/test-services.mjs';

/**
 * How the browser tests start Chromium (Debian's, which `npm test` provisions): headless, no
 * sandbox (tests may run as root), and no background traffic (updates, network probes) to slow or
 * disturb a test on a loaded machine. One place, so the dashboard tests all run the same browser.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/** A headless Chromium for a test; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
