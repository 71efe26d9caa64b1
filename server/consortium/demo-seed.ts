// The demo consortium seeded into an empty database on first start, so that `npm start` shows a working
// 医共体 at once: one county hospital with an imaging and an ECG centre, three township health centres, one
// village clinic, and one account per role. In production only when asked for (server/config.ts, demoSettings).
import { deviceInputSchema } from '../../shared/devices.ts';
import type { Role } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { DemoSettings } from '../config.ts';
import { isUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { insertDevice } from '../devices/service.ts';
import { seedDemoBilling } from '../billing/demo-billing.ts';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  org: string;
  centres?: string[];
  /** a referral coordinator's departments (DEPARTMENTS' codes) */
  departments?: string[];
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
    username: 'coord1',
    displayName: '周协调员',
    role: 'REFERRAL_COORDINATOR',
    org: 'COUNTY',
    departments: ['CARDIOLOGY', 'NEUROLOGY', 'EMERGENCY', 'RESPIRATORY'],
    description: 'referral coordinator (转诊协调员), 县人民医院: answers referrals for its departments',
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

/** The county hospital's departments that take two-way referrals (双向转诊). */
const DEPARTMENTS = [
  { code: 'CARDIOLOGY', name: '心血管内科' },
  { code: 'NEUROLOGY', name: '神经内科' },
  { code: 'EMERGENCY', name: '急诊科' },
  { code: 'RESPIRATORY', name: '呼吸内科' },
  { code: 'ORTHOPAEDICS', name: '骨科' },
] as const;

/**
 * Every department takes upward referrals from every township and sends patients back down; the green channel
 * sends a critical ECG (chest pain, STEMI) to cardiology and any other critical value to the emergency department.
 */
const REFERRAL_RULES = [
  ...DEPARTMENTS.flatMap((d) => [
    { department: d.code, direction: 'UP', examKind: null, greenChannel: false, note: null },
    { department: d.code, direction: 'DOWN', examKind: null, greenChannel: false, note: null },
  ]),
  { department: 'CARDIOLOGY', direction: 'UP', examKind: 'ECG', greenChannel: true, note: '胸痛绿色通道：危急心电图 → 心血管内科' },
  { department: 'EMERGENCY', direction: 'UP', examKind: null, greenChannel: true, note: '其他危急值 → 急诊科' },
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
      await seedReferralDemo(tx, orgIds);
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

/**
 * The departments with coord1 as their coordinator, the consortium's referral rules, and a few referrals to show:
 * one waiting at the county, one booked for admission, and one patient referred back down to 城关镇 with a
 * follow-up recorded (each with its audit rows, as if made through the service).
 */
async function seedReferralDemo(tx: Tx, orgIds: Map<string, string>): Promise<void> {
  const departmentIds = new Map<string, string>();
  for (const d of DEPARTMENTS) {
    const row = await tx.department.create({ data: { ...d, organizationId: orgIds.get('COUNTY')! } });
    departmentIds.set(d.code, row.id);
  }
  for (const account of DEMO_ACCOUNTS.filter((a) => a.departments)) {
    const user = await tx.user.findUniqueOrThrow({ where: { username: account.username } });
    for (const code of account.departments!)
      await tx.departmentCoordinator.create({ data: { departmentId: departmentIds.get(code)!, userId: user.id } });
  }
  for (const rule of REFERRAL_RULES) {
    const { department, ...rest } = rule;
    await tx.referralRule.create({ data: { ...rest, departmentId: departmentIds.get(department)! } });
  }
  const tech1 = await tx.user.findUniqueOrThrow({ where: { username: 'tech1' } });
  const tech2 = await tx.user.findUniqueOrThrow({ where: { username: 'tech2' } });
  const coord1 = await tx.user.findUniqueOrThrow({ where: { username: 'coord1' } });
  const patient = (name: string, sex: string, birthDate: string, org: string) =>
    tx.patient.create({ data: { name, sex, birthDate, organizationId: orgIds.get(org)! } });
  const hours = (h: number) => new Date(Date.now() - h * 3600_000);
  const demo = [
    {
      patient: await patient('张建国', 'M', '1958-04-12', 'T-CHENGGUAN'),
      by: tech1,
      data: {
        status: 'REQUESTED',
        department: 'RESPIRATORY',
        urgency: 'URGENT',
        reason: '反复咳嗽、气促加重一周，基层治疗效果不佳',
        diagnosis: '慢性阻塞性肺疾病急性加重？',
        createdAt: hours(2),
      },
    },
    {
      patient: await patient('李秀英', 'F', '1949-11-03', 'T-SHIQIAO'),
      by: tech2,
      data: {
        status: 'ACCEPTED',
        department: 'NEUROLOGY',
        urgency: 'ROUTINE',
        reason: '左侧肢体无力三天，需进一步检查',
        diagnosis: '脑梗死？',
        createdAt: hours(20),
        answeredById: coord1.id,
        acceptedAt: hours(18),
        doctorName: '吴主任',
        appointmentAt: new Date(Date.now() + 20 * 3600_000),
        admission: true,
        ward: '神经内科二病区',
        bedNumber: '12',
      },
    },
  ] as const;
  for (const [i, { patient: p, by, data }] of demo.entries()) {
    const { department, ...columns } = data;
    const row = await tx.referral.create({
      data: {
        ...columns,
        number: `ZZ-DEMO-${String(i + 1).padStart(4, '0')}`,
        direction: 'UP',
        townshipId: p.organizationId,
        departmentId: departmentIds.get(department)!,
        patientId: p.id,
        requestedById: by.id,
      },
    });
    await recordAudit(tx, {
      actorId: by.id,
      action: 'referral.request',
      entityType: 'Referral',
      entityId: row.id,
      details: { demo: true },
    });
  }
  // a patient who came up to cardiology, was treated, and went back down to 城关镇 with a follow-up plan
  const returning = await patient('王福生', 'M', '1962-07-21', 'T-CHENGGUAN');
  const up = await tx.referral.create({
    data: {
      number: 'ZZ-DEMO-0003',
      direction: 'UP',
      status: 'COMPLETED',
      urgency: 'EMERGENCY',
      townshipId: returning.organizationId,
      departmentId: departmentIds.get('CARDIOLOGY')!,
      patientId: returning.id,
      requestedById: tech1.id,
      reason: '持续胸痛 2 小时',
      diagnosis: '急性下壁心肌梗死',
      createdAt: hours(24 * 12),
      answeredById: coord1.id,
      acceptedAt: hours(24 * 12 - 0.2),
      arrivedAt: hours(24 * 12 - 1),
      completedAt: hours(24 * 3),
    },
  });
  const down = await tx.referral.create({
    data: {
      number: 'ZZ-DEMO-0004',
      direction: 'DOWN',
      status: 'ARRIVED',
      urgency: 'ROUTINE',
      townshipId: returning.organizationId,
      departmentId: departmentIds.get('CARDIOLOGY')!,
      patientId: returning.id,
      upReferralId: up.id,
      requestedById: coord1.id,
      reason: '病情稳定，转回基层康复及随访',
      diagnosis: '急性下壁心肌梗死 PCI 术后',
      dischargeSummary: '入院后行急诊 PCI，植入支架 1 枚，术后恢复良好，无胸痛复发。',
      followUpPlan: '双联抗血小板 12 个月；每月随访血压、心率、血脂；3 个月后复查心电图。',
      createdAt: hours(24 * 3),
      answeredById: tech1.id,
      acceptedAt: hours(24 * 3 - 1),
      arrivedAt: hours(24 * 2),
    },
  });
  await tx.referralFollowUp.create({
    data: {
      referralId: down.id,
      at: hours(24),
      note: '血压 128/78 mmHg，心率 68 次/分，无胸闷胸痛，按时服药。',
      nextAt: new Date(Date.now() + 29 * 24 * 3600_000),
      byId: tech1.id,
    },
  });
  for (const [row, by] of [
    [up, tech1],
    [down, coord1],
  ] as const) {
    await recordAudit(tx, {
      actorId: by.id,
      action: 'referral.request',
      entityType: 'Referral',
      entityId: row.id,
      details: { demo: true },
    });
  }
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
