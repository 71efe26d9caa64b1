// The case's files: studies, series (with what they are in the exam and whether they name the registered patient)
// and attachments; while the case is the township's to change (DRAFT, RETURNED), each can be removed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentDto, CaseDetailDto, IdentityState, RemoveFilesRequest, SeriesDto, StudyDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Bytes } from '../../components/format.tsx';

type Remove = (files: RemoveFilesRequest) => void;

export function CaseFiles({
  kase,
  editable,
  onChanged,
}: {
  kase: CaseDetailDto;
  editable: boolean;
  onChanged: (kase: CaseDetailDto) => void;
}) {
  const { t } = useTranslation();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const remove: Remove | undefined = editable
    ? (files) => {
        if (!window.confirm(t('case.removeConfirm'))) return;
        setPending(true);
        setError(undefined);
        api
          .removeFiles(kase.id, files)
          .then(onChanged, setError)
          .finally(() => setPending(false));
      }
    : undefined;
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
      <ErrorMessage error={error} />
      <fieldset disabled={pending}>
        {kase.studies.map((study) => (
          <StudyBlock key={study.id} study={study} remove={remove} />
        ))}
        {kase.attachments.length > 0 && <AttachmentList attachments={kase.attachments} remove={remove} />}
      </fieldset>
    </section>
  );
}

/** The worst identity verdict of a series' files, as a badge (none when they match). */
function seriesIdentity(series: SeriesDto): IdentityState {
  const states = new Set(series.instances.map((i) => i.identity));
  return (['MISMATCH', 'CONFIRMED', 'UNCOMPARABLE'] as const).find((s) => states.has(s)) ?? 'MATCH';
}

function StudyBlock({ study, remove }: { study: StudyDto; remove?: Remove }) {
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
          {study.series.map((se) => {
            const identity = seriesIdentity(se);
            return (
              <tr key={se.id} data-testid="case-series" data-role={se.role} data-identity={identity}>
                <td className="mono">{se.modality ?? '?'}</td>
                <td>
                  {t('case.series')} {se.seriesNumber ?? ''}
                  {se.role !== 'PRIMARY' && <span className="badge badge-quiet">{t(`seriesRole.${se.role}`)}</span>}
                  {identity !== 'MATCH' && (
                    <span className={identity === 'MISMATCH' ? 'badge badge-danger' : 'badge'}>{t(`identityState.${identity}`)}</span>
                  )}
                </td>
                <td>{[se.seriesDescription, se.bodyPart].filter(Boolean).join(' · ')}</td>
                <td className="numeric">{t('case.instances', { count: se.instances.length })}</td>
                {remove && (
                  <td>
                    <RemoveButton onClick={() => remove({ instanceIds: se.instances.map((i) => i.id) })} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RemoveButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="button-danger-quiet" data-testid="remove-files" onClick={onClick}>
      {t('case.removeFiles')}
    </button>
  );
}

function AttachmentList({ attachments, remove }: { attachments: readonly AttachmentDto[]; remove?: Remove }) {
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
              {remove && (
                <td>
                  <RemoveButton onClick={() => remove({ attachmentIds: [a.id] })} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
