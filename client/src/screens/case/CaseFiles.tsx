import { useTranslation } from 'react-i18next';
import type { AttachmentDto, CaseDetailDto, StudyDto } from '../../../../shared/api.ts';
import { Bytes } from '../../components/format.tsx';

export function CaseFiles({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const seriesCount = kase.studies.reduce((n, s) => n + s.series.length, 0);
  const empty = kase.studies.length === 0 && kase.attachments.length === 0;
  return (
    <section className="card">
      <h2>{t('case.files')}</h2>
      <p className="file-counts">
        {t('case.counts', { studies: kase.studies.length, series: seriesCount })}{' '}
        <strong data-testid="instance-count">{kase.instanceCount}</strong> · {t('case.attachments')}{' '}
        <strong>{kase.attachments.length}</strong>
      </p>
      {empty && <p className="empty">{t('case.noFiles')}</p>}
      {kase.studies.map((study) => (
        <StudyBlock key={study.id} study={study} />
      ))}
      {kase.attachments.length > 0 && <AttachmentList attachments={kase.attachments} />}
    </section>
  );
}

function StudyBlock({ study }: { study: StudyDto }) {
  const { t } = useTranslation();
  const { dicomPatient: p } = study;
  const heading = [study.studyDescription, study.studyDate, study.accessionNumber].filter(Boolean).join(' · ');
  return (
    <div className="study">
      <h3>
        {t('case.study')} {heading}
      </h3>
      <p className="muted small">DICOM: {[p.name, p.sex, p.birthDate, p.id].filter(Boolean).join(' · ') || t('common.none')}</p>
      <table className="compact-table">
        <tbody>
          {study.series.map((se) => (
            <tr key={se.id}>
              <td className="mono">{se.modality ?? '?'}</td>
              <td>
                {t('case.series')} {se.seriesNumber ?? ''}
              </td>
              <td>{[se.seriesDescription, se.bodyPart].filter(Boolean).join(' · ')}</td>
              <td className="numeric">{t('case.instances', { count: se.instances.length })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AttachmentList({ attachments }: { attachments: readonly AttachmentDto[] }) {
  const { t } = useTranslation();
  return (
    <div className="study">
      <h3>{t('case.attachments')}</h3>
      <table className="compact-table">
        <tbody>
          {attachments.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`/api/attachments/${encodeURIComponent(a.id)}/file`} target="_blank" rel="noreferrer">
                  {a.fileName}
                </a>
              </td>
              <td>{t(`attachmentKind.${a.kind}`)}</td>
              <td className="numeric">
                <Bytes bytes={a.byteSize} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
