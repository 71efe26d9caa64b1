// The printed referral slip (转诊单) the patient carries: the county hospital and the department, the referral's
// number and direction, the patient, the reason and the diagnosis so far, the exams that go with them (with their
// signed impressions), the booking (doctor, time, ward and bed) or, for a patient referred down, the discharge
// summary and the follow-up plan; the door times of a green-channel transfer; and a QR code that opens the
// referral in teledx at the receiving desk (drawQrCode). A4, Chinese, with the report's embedded CJK font (reporting/cjk-font.ts).
import { chineseAge } from '../../shared/patient-age.ts';
import type { ReferralDto } from '../../shared/referrals.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { cjkPdfDocument } from '../reporting/cjk-font.ts';
import { beijingTime, maskId, rule } from '../reporting/pdf.ts';
import { drawQrCode } from '../reporting/report-qr.ts';
import { referralScope } from './access.ts';
import { referralInclude, toReferralDto } from './dto.ts';
import { notFound } from '../http/errors.ts';

const SEX: Record<string, string> = { M: '男', F: '女', O: '其他', U: '未知' };
const URGENCY: Record<string, string> = { EMERGENCY: '急诊', URGENT: '加急', ROUTINE: '普通' };
const STATUS: Record<string, string> = {
  REQUESTED: '待接收',
  ACCEPTED: '已接收',
  DECLINED: '已拒绝',
  IN_TRANSIT: '转运中',
  ARRIVED: '已到院',
  COMPLETED: '已完成',
  CANCELLED: '已撤销',
};

/** Where the QR code leads: the referral's page in teledx, at the origin the slip was printed from. */
export const referralPageUrl = (origin: string, referralId: string) => `${origin}/referrals/${encodeURIComponent(referralId)}`;

export async function referralSlipPdf(db: Db, actor: Actor, referralId: string, origin: string): Promise<Buffer> {
  const row = await db.referral.findFirst({
    where: { AND: [{ id: referralId }, referralScope(actor)] },
    include: referralInclude,
  });
  if (!row) throw notFound('referral');
  return renderSlip(toReferralDto(row), row.patient.nationalId, referralPageUrl(origin, referralId));
}

const time = (iso: string | null) => {
  if (!iso) return '—';
  const t = beijingTime(new Date(iso));
  return `${t.date} ${t.time}`;
};

async function renderSlip(r: ReferralDto, nationalId: string | null, url: string): Promise<Buffer> {
  const title = r.direction === 'UP' ? '双向转诊单（上转）' : '双向转诊单（下转）';
  const { doc, bytes } = cjkPdfDocument({ size: 'A4', margin: 50, info: { Title: `${r.hospital.name} ${title} ${r.number}` } });

  const qrSize = 90;
  const qrX = doc.page.width - doc.page.margins.right - qrSize;
  const qrY = doc.page.margins.top;
  drawQrCode(doc, url, qrX, qrY, qrSize);

  doc.fontSize(18).text(r.hospital.name, doc.page.margins.left, qrY, { width: qrX - doc.page.margins.left - 10, align: 'center' });
  doc.fontSize(15).text(title, { width: qrX - doc.page.margins.left - 10, align: 'center' });
  if (r.greenChannel)
    doc
      .moveDown(0.2)
      .fontSize(13)
      .fillColor('#b00020')
      .text('绿色通道', { width: qrX - 60, align: 'center' })
      .fillColor('black');
  doc.moveDown(0.4).fontSize(10.5).text(`转诊单号：${r.number}    状态：${STATUS[r.status]}    紧急程度：${URGENCY[r.urgency]}`);
  doc.y = Math.max(doc.y, qrY + qrSize + 4);
  doc.x = doc.page.margins.left;
  doc.fontSize(8).fillColor('#555').text(`扫码查看转诊：${url}`).fillColor('black');
  rule(doc);

  const from = r.direction === 'UP' ? r.township.name : `${r.hospital.name} ${r.department.name}`;
  const to = r.direction === 'UP' ? `${r.hospital.name} ${r.department.name}` : r.township.name;
  const today = new Date(r.createdAt).toISOString().slice(0, 10);
  const lines: [string, string][] = [
    ['转出单位', from],
    ['转入单位', to],
    ['患者姓名', r.patient.name],
    ['性别', SEX[r.patient.sex] ?? r.patient.sex],
    ['年龄', chineseAge(r.patient.birthDate, today) ?? '—'],
    ['身份证号', nationalId ? maskId(nationalId) : '—'],
    ['申请人', `${r.requestedBy.displayName}    申请时间：${time(r.createdAt)}`],
    ['拟转诊时间', time(r.proposedAt)],
  ];
  doc.fontSize(11);
  for (const [label, value] of lines) doc.text(`${label}：${value}`, { lineGap: 2 });
  rule(doc);
  doc.fontSize(12).text('转诊原因');
  doc.moveDown(0.2).fontSize(10.5).text(r.reason, { lineGap: 2 });
  doc.moveDown(0.5).fontSize(12).text('初步诊断');
  doc
    .moveDown(0.2)
    .fontSize(10.5)
    .text(r.diagnosis || '—', { lineGap: 2 });
  if (r.attachments.length) {
    doc.moveDown(0.5).fontSize(12).text('随附检查及报告');
    doc.fontSize(10.5);
    for (const a of r.attachments) {
      const impression = a.impression ? `  诊断意见：${a.impression}` : '  （报告未签发）';
      doc
        .moveDown(0.2)
        .text(`${a.accessionNumber}  ${a.examKind}${a.bodyPart ? ` ${a.bodyPart}` : ''}${a.critical ? '  【危急值】' : ''}${impression}`);
    }
  }
  if (r.dischargeSummary) {
    doc.moveDown(0.5).fontSize(12).text('出院小结');
    doc.moveDown(0.2).fontSize(10.5).text(r.dischargeSummary, { lineGap: 2 });
  }
  if (r.followUpPlan) {
    doc.moveDown(0.5).fontSize(12).text('随访计划');
    doc.moveDown(0.2).fontSize(10.5).text(r.followUpPlan, { lineGap: 2 });
  }
  rule(doc);
  if (r.booking) {
    const b = r.booking;
    doc.fontSize(12).text('接收安排');
    doc.fontSize(10.5).moveDown(0.2);
    doc.text(`接收人：${r.answeredBy?.displayName ?? '—'}    接收时间：${time(r.acceptedAt)}`);
    doc.text(`接诊医生：${b.doctorName ?? '—'}    就诊时间：${time(b.appointmentAt)}`);
    if (b.admission) doc.text(`住院：${b.ward ?? ''} ${b.bedNumber ?? ''}床`);
    if (b.note) doc.text(`备注：${b.note}`);
  } else if (r.declineReason) {
    doc.fontSize(11).text(`拒绝原因：${r.declineReason}`);
  } else {
    doc.fontSize(11).text('接收安排：待转入单位确认');
  }
  if (r.greenChannel || r.departedAt || r.arrivedAt) {
    doc
      .moveDown(0.4)
      .fontSize(10.5)
      .text(`时间节点：发起 ${time(r.createdAt)}    离院 ${time(r.departedAt)}    到院 ${time(r.arrivedAt)}`);
  }
  doc
    .moveDown(0.8)
    .fontSize(8)
    .fillColor('#555')
    .text('本转诊单由远程诊断平台生成，请患者携带本单及随附检查资料前往转入单位。')
    .fillColor('black');
  doc.end();
  return bytes;
}
