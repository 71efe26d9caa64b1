// cornerstone-tools' English labels on the image, as they are drawn in the UI's language.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en.ts';
import { zhCN } from '../../client/src/i18n/zh-CN.ts';
import { localizeToolText } from '../../client/src/viewer/tool-labels.ts';

function translator(lng: 'zh-CN' | 'en') {
  const instance = i18next.createInstance();
  void instance.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng, initAsync: false });
  return instance.t;
}

describe('tool labels on the image', () => {
  const zh = translator('zh-CN');
  const english = translator('en');

  it('says the length tool’s millimetres and pixels in Chinese', () => {
    expect(localizeToolText('12.34 mm', zh)).toBe('12.34 毫米');
    expect(localizeToolText('80.00 pixels', zh)).toBe('80.00 像素');
  });

  it('translates the ROI tools’ words, with the full-width colon and square units', () => {
    expect(localizeToolText('Area: 1,234.50 mm²', zh)).toBe('面积：1,234.50 平方毫米');
    expect(localizeToolText('Mean: 40.00 HU     Std Dev: 10.00 HU', zh)).toBe('均值：40.00 HU     标准差：10.00 HU');
    expect(localizeToolText('Area: 200.00 px²', zh)).toBe('面积：200.00 平方像素');
    expect(localizeToolText('Radius: 5.0 mm', zh)).toBe('半径：5.0 毫米');
    expect(localizeToolText('45.00° (isotropic)', zh)).toBe('45.00°（各向同性）');
  });

  it('keeps English as the tools write it, and leaves the reader’s own notes alone', () => {
    expect(localizeToolText('Area: 1,234.50 mm²', english)).toBe('Area: 1,234.50 mm²');
    expect(localizeToolText('12.34 mm', english)).toBe('12.34 mm');
    expect(localizeToolText('45.00° (isotropic)', english)).toBe('45.00° (isotropic)');
    expect(localizeToolText('左肺结节 mm级', zh)).toBe('左肺结节 mm级');
    expect(localizeToolText('Mean: 40.00', english)).toBe('Mean: 40.00');
  });
});
