// Body regions: what a case's free-text body part (检查部位, as the township typed it, or a DICOM Body Part
// Examined) is about, so that report templates and phrases match it (a chest CT is offered chest phrases, not head
// ones). Matched by keyword; the spine comes first because 颈椎/胸椎/腰椎 name the neck, chest and waist too.
import { z } from 'zod';

export const BODY_REGIONS = ['SPINE', 'HEAD', 'NECK', 'CHEST', 'ABDOMEN', 'PELVIS', 'LIMBS'] as const;
export type BodyRegion = (typeof BODY_REGIONS)[number];
export const bodyRegionSchema = z.enum(BODY_REGIONS);

const KEYWORDS: Record<BodyRegion, readonly string[]> = {
  SPINE: ['椎', '脊', 'SPINE'],
  HEAD: ['头', '颅', '脑', '眼眶', '鼻窦', 'HEAD', 'BRAIN', 'SKULL'],
  NECK: ['颈', '甲状腺', 'NECK', 'THYROID'],
  CHEST: ['胸', '肺', '纵隔', '乳腺', 'CHEST', 'LUNG', 'THORAX', 'BREAST'],
  ABDOMEN: ['腹', '肝', '胆', '胰', '脾', '肾', 'ABDOMEN', 'LIVER', 'KIDNEY'],
  PELVIS: ['盆', '子宫', '卵巢', '前列腺', '膀胱', 'PELVIS'],
  LIMBS: ['肢', '肩', '肘', '腕', '手', '髋', '膝', '踝', '足', 'KNEE', 'SHOULDER', 'HAND', 'FOOT', 'EXTREMITY'],
};

/** The region a body part names, or null when it names none we know (or is empty). */
export function bodyRegionOf(bodyPart: string | null | undefined): BodyRegion | null {
  const text = (bodyPart ?? '').toUpperCase();
  if (!text.trim()) return null;
  return BODY_REGIONS.find((region) => KEYWORDS[region].some((word) => text.includes(word))) ?? null;
}
