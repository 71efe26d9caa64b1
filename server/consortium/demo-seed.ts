// The demo consortium seeded into an empty database on first start, so that `npm start` shows a working
// 医共体 at once: one county hospital with an imaging and an ECG centre, three township health centres, one
// village clinic, and one account per role. In production only when asked for (server/config.ts, demoSettings).
import { deviceInputSchema } from '../../shared/devices.ts';
import type { Role } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { DemoSettings } from '../config.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';
import { insertDevice } from '../devices/service.ts';
import { seedDemoBilling } from '../billing/demo-billing.ts';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  org: string;
  centres?: string[];
  canSign?: boolean;
  description: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'ADMIN', org: 'COUNTY', description: 'administrator' },
  { username: 'tech1', displayName: '王技师', role: 'TECHNICIAN', org: 'T-CHENGGUAN', description: 'technician, 城关镇卫生院' },
  { username: 'tech2', displayName: '李技师', role: 'TECHNICIAN', org: 'T-SHIQIAO', description: 'technician, 石桥镇卫生院' },
  {
    username: 'head1',
    displayName: '孙院长',
    role: 'TOWNSHIP_SUPERVISOR',
    org: 'T-CHENGGUAN',
    description: 'township supervisor, 城关镇卫生院 (critical values escalate here)',
  },
  {
    username: 'reader1',
    displayName: '陈医生',
    role: 'READER',
    org: 'COUNTY',
    centres: ['IMAGING'],
    canSign: true,
    description: 'imaging centre reader (signs)',
  },
  {
    username: 'writer1',
    displayName: '孙医生',
    role: 'READER',
    org: 'COUNTY',
    centres: ['IMAGING'],
    description: 'imaging centre junior reader (writes MR reports for review, does not sign)',
  },
  {
    username: 'ecg1',
    displayName: '刘医生',
    role: 'READER',
    org: 'COUNTY',
    centres: ['ECG'],
    canSign: true,
    description: 'ECG centre reader (signs)',
  },
  {
    username: 'super1',
    displayName: '赵主任',
    role: 'SUPERVISOR',
    org: 'COUNTY',
    centres: ['IMAGING'],
    canSign: true,
    description: 'imaging centre supervisor',
  },
  {
    username: 'finance1',
    displayName: '钱会计',
    role: 'FINANCE',
    org: 'COUNTY',
    description: 'finance office, 县人民医院 (agreements, prices, monthly settlement)',
  },
];

/** examCode: the first part of the exam numbers (检查号) an organization issues, CG-20261202-0007 (cases/accession.ts) */
const ORGANIZATIONS = [
  { code: 'COUNTY', examCode: 'XY', name: '县人民医院', kind: 'COUNTY_HOSPITAL', parent: null },
  { code: 'T-CHENGGUAN', examCode: 'CG', name: '城关镇卫生院', kind: 'TOWNSHIP_CENTRE', parent: 'COUNTY' },
  { code: 'T-SHIQIAO', examCode: 'SQ', name: '石桥镇卫生院', kind: 'TOWNSHIP_CENTRE', parent: 'COUNTY' },
  { code: 'T-HEKOU', examCode: 'HK', name: '河口镇卫生院', kind: 'TOWNSHIP_CENTRE', parent: 'COUNTY' },
  { code: 'V-DONGSHAN', examCode: 'DS', name: '东山村卫生室', kind: 'VILLAGE_CLINIC', parent: 'T-SHIQIAO' },
] as const;

/** the demo devices TOWNSHIP1, 2, 3: tech1's township, tech2's, and the third */
const DEVICE_TOWNSHIPS = ['T-CHENGGUAN', 'T-SHIQIAO', 'T-HEKOU'] as const;

/** The imaging centre has its MR reports reviewed by a second reader (书写 → 审核); everything else is signed by its writer. */
const CENTRES = [
  { code: 'IMAGING', name: '影像诊断中心', kind: 'IMAGING', examKinds: 'DR,CT,MR,US,OTHER', reviewExamKinds: 'MR' },
  { code: 'ECG', name: '心电诊断中心', kind: 'ECG', examKinds: 'ECG', reviewExamKinds: '' },
] as const;

/** ECG to the ECG centre, imaging to the imaging centre, anything else to the imaging centre as a fallback. */
const DEFAULT_ROUTING = [
  { examKind: 'ECG', centre: 'ECG', note: '心电图 → 心电诊断中心' },
  { examKind: 'DR', centre: 'IMAGING', note: 'DR/CR/DX → 影像诊断中心' },
  { examKind: 'CT', centre: 'IMAGING', note: null },
  { examKind: 'MR', centre: 'IMAGING', note: null },
  { examKind: 'US', centre: 'IMAGING', note: '超声 → 影像诊断中心（未设超声中心时）' },
  { examKind: null, centre: 'IMAGING', note: '兜底规则' },
] as const;

/** Seeds the demo consortium if the database has no organizations; returns whether it did. */
export async function seedDemoIfEmpty(db: Db, password: string): Promise<boolean> {
  if ((await db.organization.count()) > 0) return false;
  // One at a time: each scrypt hash takes 16 MB of memory while it runs.
  const hashes: string[] = [];
  for (const _account of DEMO_ACCOUNTS) hashes.push(await hashPassword(password));
  try {
    await db.$transaction(async (tx) => {
      const orgIds = new Map<string, string>();
      for (const org of ORGANIZATIONS) {
        const row = await tx.organization.create({
          data: {
            code: org.code,
            examCode: org.examCode,
            name: org.name,
            kind: org.kind,
            parentId: org.parent ? orgIds.get(org.parent)! : null,
          },
        });
        orgIds.set(org.code, row.id);
      }
      const centreIds = new Map<string, string>();
      for (const centre of CENTRES) {
        const row = await tx.readingCentre.create({ data: { ...centre, hospitalId: orgIds.get('COUNTY')! } });
        centreIds.set(centre.code, row.id);
      }
      for (const rule of DEFAULT_ROUTING) {
        await tx.routingRule.create({ data: { examKind: rule.examKind, centreId: centreIds.get(rule.centre)!, note: rule.note } });
      }
      for (const [i, account] of DEMO_ACCOUNTS.entries()) {
        await tx.user.create({
          data: {
            username: account.username,
            displayName: account.displayName,
            role: account.role,
            canSign: account.canSign ?? false,
            passwordHash: hashes[i]!,
            organizationId: orgIds.get(account.org)!,
            centres: { create: (account.centres ?? []).map((code) => ({ centreId: centreIds.get(code)! })) },
          },
        });
      }
      // one device per township, so a modality can send at once: storescu -aet TOWNSHIP1 -aec TELEDX host 11112 f.dcm
      for (const [i, org] of DEVICE_TOWNSHIPS.entries()) {
        const input = deviceInputSchema.parse({ aeTitle: `TOWNSHIP${i + 1}`, organizationId: orgIds.get(org)!, description: '演示设备' });
        await insertDevice(tx, input);
      }
      await seedDemoBilling(tx, orgIds);
      await recordAudit(tx, { actorId: null, action: 'consortium.seed_demo', entityType: 'Organization' });
    });
  } catch (error) {
    // Another instance starting against the same empty database seeded it first.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  return true;
}

/** What `npm start` prints about the demo accounts: the logins, and their password when it can be known. */
export function demoLoginLines(demo: DemoSettings, seeded: boolean): string[] {
  if (!demo.seed) return [];
  const logins = DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(8)} ${a.description}`);
  if (!seeded) {
    return [
      '  demo accounts (if this database was seeded by teledx):',
      ...logins,
      demo.passwordGenerated
        ? '  their password is the one printed when the database was seeded'
        : `  password for all demo accounts: ${demo.password}`,
    ];
  }
  return [
    '  demo consortium seeded (县人民医院 and its township health centres)',
    ...logins,
    demo.passwordGenerated
      ? `  password for all demo accounts, made up for this database and shown only now: ${demo.password}`
      : `  password for all demo accounts: ${demo.password}  (set TELEDX_DEMO_PASSWORD to change)`,
  ];
}
