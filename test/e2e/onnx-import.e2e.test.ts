/**
 * Imported ONNX models in the GUI, against the built app: an .onnx file copied into the
 * imported-models folder (<FAULTLINE_USER_DIR>/models) appears in the model picker, and a run on it
 * shows a prediction on an MNIST test image with its label; "Open ONNX..." imports a second file
 * through `model.import`, selects it, and a run on it shows a prediction too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSession, runAndWait, shootBoth, type Session } from './helpers';
import { ROOT } from './built-app';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
  mkdirSync(join(s.app.userDir, 'models'), { recursive: true });
  copyFileSync(join(ROOT, 'models', 'onnx', 'examples', 'lenet5.onnx'), join(s.app.userDir, 'models', 'folder-lenet.onnx'));
  await page.reload();
});
afterAll(async () => s?.close());

/** Values of the model picker's options. */
const modelOptions = (p: Page): Promise<string[]> =>
  p.locator('[data-testid=model] option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));

describe('imported ONNX models in the GUI', () => {
  it('a file of the imported-models folder is offered after the shipped models, and a run on it shows a prediction', async () => {
    await page.locator('a[data-view=propagation]').click();
    await expect.poll(() => modelOptions(page), { timeout: 20_000 }).toContain('imported:folder-lenet.onnx');
    const opts = await modelOptions(page);
    expect(opts.indexOf('imported:folder-lenet.onnx')).toBeGreaterThan(opts.indexOf('lenet5'));
    await page.locator('[data-testid=model]').selectOption('imported:folder-lenet.onnx');
    await expect.poll(() => page.locator('[data-testid=scenario-pick] option').count()).toBeGreaterThan(3);
    await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
    await runAndWait(page);
    const pred = page.locator('[data-testid=prediction]');
    await expect.poll(() => pred.textContent(), { timeout: 30_000 }).toMatch(/Image 0 \(label \d\):\s+golden \d+, faulty \d+/);
    const text = (await pred.textContent()) ?? '';
    expect(text).toContain('imported:folder-lenet.onnx');
    expect(text).toContain('(trained weights)');
    await shootBoth(page, 'onnx-folder-run');
  });

  it('"Open ONNX..." imports a file, selects it, and a run on it shows a prediction', async () => {
    await page.locator('[data-testid=onnx-file]').setInputFiles(join(ROOT, 'models', 'onnx', 'examples', 'vgg_mnist.onnx'));
    await expect.poll(() => page.locator('[data-testid=onnx-note]').textContent(), { timeout: 30_000 }).toBe('imported vgg_mnist');
    await expect.poll(() => page.locator('[data-testid=model]').inputValue()).toBe('imported:vgg_mnist.onnx');
    expect(await modelOptions(page)).toContain('imported:vgg_mnist.onnx');
    await runAndWait(page, 180_000);
    const pred = page.locator('[data-testid=prediction]');
    await expect.poll(() => pred.textContent(), { timeout: 30_000 }).toContain('imported:vgg_mnist.onnx');
    expect(await pred.textContent()).toMatch(/Image 0 \(label \d\):\s+golden \d+, faulty \d+/);
    expect(s.problems).toEqual([]);
  }, 240_000);
});
