// The two catalogues read as their language is written: no full-width punctuation in English, no ASCII colon or
// comma glued to Chinese characters, English plurals through i18next's _one/_other keys; and no Chinese
// punctuation hard-coded in the client's components, where it would show in English too.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en.ts';
import { zhCN } from '../../client/src/i18n/zh-CN.ts';

/** every message with its dotted key */
function messages(catalogue: object, prefix = ''): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string' ? [[prefix + key, value]] : messages(value as object, `${prefix}${key}.`),
  );
}

/** the ellipsis (…) is not among them: both languages use it */
const FULL_WIDTH_PUNCTUATION = /[，。：；！？、（）「」『』【】《》〈〉\u3000]/;
/** ASCII punctuation touching a Chinese character (a space between counts as touching) */
const ASCII_BESIDE_HAN = /\p{Script=Han} ?[,:;!?()]|[,:;!?()] ?\p{Script=Han}/u;

describe('English and Chinese messages', () => {
  it('has no full-width punctuation in English', () => {
    const wrong = messages(en).filter(([, text]) => FULL_WIDTH_PUNCTUATION.test(text));
    expect(wrong).toEqual([]);
  });

  it('uses full-width punctuation in Chinese text', () => {
    const wrong = messages(zhCN).filter(([, text]) => ASCII_BESIDE_HAN.test(text.replace('切换语言 / Switch language', '')));
    expect(wrong).toEqual([]);
  });

  it('counts things in English with a plural pair, and both catalogues have the same pairs', () => {
    // "{{count}} images", "Returned {{count}} times": a noun after the number changes with it
    const counted = messages(en).filter(([, text]) => /\{\{count\}\} [a-z]/i.test(text) && !/\{\{count\}\} (min|y|mo|d)\b/.test(text));
    expect(counted.filter(([key]) => !/_(one|other)$/.test(key))).toEqual([]);
    const pairs = (catalogue: object) =>
      messages(catalogue)
        .map(([key]) => key)
        .filter((key) => /_(one|other)$/.test(key))
        .sort();
    expect(pairs(zhCN)).toEqual(pairs(en));
    for (const key of pairs(en)) expect(pairs(en)).toContain(key.replace(/_(one|other)$/, key.endsWith('_one') ? '_other' : '_one'));
  });

  it('says one image and two images in English, and 1 幅 and 2 幅 in Chinese', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng: 'en', initAsync: false });
    expect(i18n.t('viewer.images', { count: 1 })).toBe('1 image');
    expect(i18n.t('viewer.images', { count: 2 })).toBe('2 images');
    expect(i18n.t('upload.skipped', { count: 1 })).toBe('Skipped 1 hidden or system file');
    expect(i18n.t('qualityReturn.count', { count: 1 })).toBe('Returned once in all');
    expect(i18n.t('qualityReturn.count', { count: 3 })).toBe('Returned 3 times in all');
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('viewer.images', { count: 1 })).toBe('1 幅');
    expect(i18n.t('viewer.images', { count: 2 })).toBe('2 幅');
  });
});

describe('the client components', () => {
  /** the client's .ts and .tsx files outside the catalogues */
  async function sourceFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !join(e.parentPath, e.name).includes(join('src', 'i18n')))
      .map((e) => join(e.parentPath, e.name));
  }

  it('take punctuation from the catalogues, not as Chinese characters in the code', async () => {
    const found: string[] = [];
    for (const file of await sourceFiles(join(import.meta.dirname, '../../client/src'))) {
      // comments may be in Chinese; only code is shown to the user
      const code = (await readFile(file, 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      for (const [n, line] of code.split('\n').entries())
        if (FULL_WIDTH_PUNCTUATION.test(line)) found.push(`${file}:${n + 1}: ${line.trim()}`);
    }
    expect(found).toEqual([]);
  });
});
