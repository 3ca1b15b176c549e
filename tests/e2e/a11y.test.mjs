// Any person: axe-core finds no serious or critical WCAG 2.1 A/AA violation on the full page
// (with an attack's result on screen) and on each embed view, in the light and the dark theme;
// the gallery works from the keyboard; reduced motion stops the bars' animation; printing
// shows the three pictures and a caption instead of controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { useApp, waitLabel } from './harness.mjs';

const app = useApp();
const RESULT = 'model=fc100-100-10&digit=1&method=fgsm&target=3&autorun=1';
// Each view, and the element that says it has drawn what it shows.
const VIEWS = [
  ['', 'adv-prediction'],
  ['&embed=attack', 'adv-prediction'],
  ['&embed=transfer', 'transfer-panel'],
  ['&embed=reproduce', 'reproduce-panel'],
  ['&embed=units', 'units-panel'],
  ['&embed=stability', 'stability-panel'],
  ['&embed=compare', 'compare-panel'],
  ['&embed=hand', 'hand-panel'],
  ['&embed=quiz', 'quiz-panel'],
  ['&embed=train', 'train-panel'],
  // A by-hand challenge (its task sets the model, digit and target over RESULT's).
  ['&challenge=convnet~2~4~rms~0.1~hand~17f32f32', 'challenge-task'],
];

/** A new load of the page on `fragment` (`autorun` is read only when the page opens). */
async function open(fragment) {
  const { page } = app;
  const url = new URL(`#${fragment}`, page.url()).href;
  await page.goto('about:blank');
  await page.goto(url);
}

for (const theme of ['light', 'dark']) {
  test(`no serious or critical axe violation on the page and each embed, ${theme} theme`, async () => {
    const { page } = app;
    const found = [];
    for (const [view, drawn] of VIEWS) {
      await open(`${RESULT}${view}&theme=${theme}`);
      await page.getByTestId(drawn).waitFor({ timeout: 60_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      const { violations } = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of violations.filter((v) => ['serious', 'critical'].includes(v.impact))) {
        found.push(`${view || 'page'}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
    assert.deepEqual(found, []);
  });
}

test('a gallery digit is picked with Tab and Enter, and the prediction is announced', async () => {
  const { page } = app;
  await open('model=fc100-100-10');
  await page.getByTestId('gallery').locator('button.pick').first().waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('prediction').getAttribute('aria-live'), 'polite');
  let focused = '';
  for (let i = 0; i < 60 && !focused.startsWith('test digit'); i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  }
  assert.match(focused, /^test digit 0, a 7$/);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused button shows its focus');
  await page.keyboard.press('Enter');
  await waitLabel(page, 'prediction', 7);
});

test('reduced motion stops the bars moving; print shows the pictures and a caption, no controls', async () => {
  const { page } = app;
  await open(`${RESULT}&theme=dark`);
  await waitLabel(page, 'adv-prediction', 3);
  const fill = page.getByTestId('prob-0').locator('.fill');
  assert.notEqual(await fill.evaluate((e) => getComputedStyle(e).transitionDuration), '0s');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.equal(await fill.evaluate((e) => getComputedStyle(e).transitionDuration), '0s');
  await page.emulateMedia({ media: 'print', reducedMotion: null });
  try {
    for (const id of ['adv-image', 'noise-image', 'print-caption']) {
      assert.ok(await page.getByTestId(id).isVisible(), `${id} is printed`);
    }
    for (const id of ['attack-run', 'gallery', 'draw-canvas', 'share', 'model-select']) {
      assert.equal(await page.getByTestId(id).isVisible(), false, `${id} is not printed`);
    }
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)',
      'printed on white, though the page is dark');
    const caption = await page.getByTestId('print-caption').textContent();
    const rms = Number(await page.getByTestId('distortion').getAttribute('data-value')).toFixed(4);
    for (const part of ['fc100-100-10', 'fgsm', 'target 3', `RMS distortion ${rms}`, '#model=fc100-100-10&digit=1&method=fgsm']) {
      assert.ok(caption.includes(part), `the caption "${caption}" says ${part}`);
    }
  } finally {
    await page.emulateMedia({ media: null });
  }
});
