// Report templates and phrases chosen by exam kind and body part: a chest CT is offered the chest templates and
// phrases, not the head ones; a body part we cannot place keeps every template of its exam kind.
import { describe, expect, it } from 'vitest';
import { bodyRegionOf } from '../../shared/body-regions.ts';
import { phrasesFor, templatesFor } from '../../shared/reports.ts';

describe('body regions', () => {
  it('places a typed or DICOM body part in its region, the spine before the neck, chest and abdomen', () => {
    expect(bodyRegionOf('头部')).toBe('HEAD');
    expect(bodyRegionOf('颅脑')).toBe('HEAD');
    expect(bodyRegionOf('胸部正位')).toBe('CHEST');
    expect(bodyRegionOf('CHEST')).toBe('CHEST');
    expect(bodyRegionOf('上腹部')).toBe('ABDOMEN');
    expect(bodyRegionOf('颈椎')).toBe('SPINE');
    expect(bodyRegionOf('腰椎')).toBe('SPINE');
    expect(bodyRegionOf('甲状腺')).toBe('NECK');
    expect(bodyRegionOf('左膝关节')).toBe('LIMBS');
    expect(bodyRegionOf('')).toBeNull();
    expect(bodyRegionOf(null)).toBeNull();
    expect(bodyRegionOf('全身')).toBeNull();
  });
});

describe('templates and phrases by exam kind and body part', () => {
  const ids = (examKind: Parameters<typeof templatesFor>[0], bodyPart?: string) => templatesFor(examKind, bodyPart).map((t) => t.id);

  it('offers a chest CT the chest templates and phrases, never the head ones', () => {
    expect(ids('CT', '胸部')).toEqual(['chest-ct', 'general']);
    const phrases = phrasesFor('CT', '胸部');
    expect(phrases).toContain('双肺未见实质性病变');
    expect(phrases).not.toContain('未见出血灶');
    expect(phrases).not.toContain('中线结构居中');
  });

  it('offers a head CT and a head MR the head templates first', () => {
    expect(ids('CT', '头部')).toEqual(['head-ct', 'general']);
    expect(phrasesFor('CT', '头颅')).toContain('未见出血灶');
    expect(ids('MR', '颅脑')).toEqual(['head-mr', 'mr-general', 'general']);
    expect(phrasesFor('MR', '颅脑')).not.toContain('胆囊未见结石');
  });

  it('keeps templates for any region, and all of the exam kind when the body part names no known region', () => {
    expect(ids('MR', '腰椎')).toEqual(['mr-general', 'general']);
    expect(ids('CT')).toEqual(['head-ct', 'chest-ct', 'abdomen-ct', 'general']);
    expect(ids('CT', '全身')).toEqual(['head-ct', 'chest-ct', 'abdomen-ct', 'general']);
    expect(ids('ECG', '胸部')).toEqual(['ecg-12lead', 'general']);
    expect(ids('CT', '盆腔')).toEqual(['abdomen-ct', 'general']);
  });
});
