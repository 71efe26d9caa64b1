import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AE_TITLE_PATTERN, devicePortSchema, type DeviceDto } from '../../../../shared/devices.ts';
import { townshipsOf } from '../../api/consortium.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ExamCodes } from './ExamCodes.tsx';
import { HisOutbox } from './HisOutbox.tsx';

const EMPTY_FORM = { aeTitle: '', host: '', port: '', organizationId: '', description: '' };

/** The townships' DICOM devices (administrators): the AE titles the DICOM port accepts, and their township. */
export function DevicesScreen() {
  const { t } = useTranslation();
  const devices = useApi(() => api.devices(), []);
  const consortium = useApi(() => api.consortium(), []);
  const townships = townshipsOf(consortium.data);
  const [form, setForm] = useState(EMPTY_FORM);
  const [invalid, setInvalid] = useState<'aeTitle' | 'port' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const act = async (key: string, work: () => Promise<unknown>) => {
    setBusy(key);
    setError(undefined);
    try {
      await work();
      devices.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const aeTitle = form.aeTitle.trim();
    const organizationId = form.organizationId || townships[0]?.id || '';
    const host = form.host.trim() || null;
    const port = form.port.trim() ? Number(form.port.trim()) : null;
    if (!AE_TITLE_PATTERN.test(aeTitle) || !organizationId) return setInvalid('aeTitle');
    // the port is where storage commitment reports go back: a TCP port, and only beside an address
    if (port !== null && (!devicePortSchema.safeParse(port).success || !host)) return setInvalid('port');
    setInvalid(null);
    const body = { aeTitle, organizationId, host, port, description: form.description.trim() || null };
    if (await act('new', () => api.createDevice(body))) setForm(EMPTY_FORM);
  };

  const toggle = (d: DeviceDto) =>
    act(d.id, () =>
      api.updateDevice(d.id, {
        aeTitle: d.aeTitle,
        host: d.host,
        port: d.port,
        organizationId: d.organization.id,
        description: d.description,
        active: !d.active,
      }),
    );

  return (
    <section>
      <div className="page-title">
        <h1>{t('devices.title')}</h1>
      </div>
      <p className="muted small">{t('devices.explain')}</p>
      <ErrorMessage error={devices.error ?? consortium.error ?? error} />
      <form className="card" data-testid="device-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          <Field
            id="device-ae"
            label={t('devices.col.aeTitle')}
            required
            error={invalid === 'aeTitle' ? t('devices.invalidAeTitle') : undefined}
          >
            <input id="device-ae" value={form.aeTitle} maxLength={16} onChange={(e) => setForm({ ...form, aeTitle: e.target.value })} />
          </Field>
          <Field id="device-org" label={t('devices.col.township')} required>
            <select id="device-org" value={form.organizationId} onChange={(e) => setForm({ ...form, organizationId: e.target.value })}>
              {townships.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="device-host" label={t('devices.col.host')}>
            <input id="device-host" value={form.host} onChange={(e) => setForm({ ...form, host: e.target.value })} />
          </Field>
          <Field id="device-port" label={t('devices.col.port')} error={invalid === 'port' ? t('devices.invalidPort') : undefined}>
            <input
              id="device-port"
              inputMode="numeric"
              value={form.port}
              maxLength={5}
              onChange={(e) => setForm({ ...form, port: e.target.value })}
            />
          </Field>
          <Field id="device-description" label={t('devices.col.description')}>
            <input
              id="device-description"
              value={form.description}
              maxLength={200}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
        </div>
        <button type="submit" className="button-primary" disabled={busy !== null}>
          {t('devices.add')}
        </button>
      </form>
      {!devices.data && !devices.error && <p className="muted">{t('common.loading')}</p>}
      {devices.data &&
        (devices.data.length === 0 ? (
          <p className="empty">{t('devices.empty')}</p>
        ) : (
          <table className="case-table" data-testid="device-table">
            <thead>
              <tr>
                <th>{t('devices.col.aeTitle')}</th>
                <th>{t('devices.col.township')}</th>
                <th>{t('devices.col.host')}</th>
                <th className="numeric">{t('devices.col.port')}</th>
                <th>{t('devices.col.description')}</th>
                <th className="numeric">{t('devices.col.cases')}</th>
                <th>{t('devices.col.state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {devices.data.map((d) => (
                <tr key={d.id} data-testid="device-row">
                  <td>{d.aeTitle}</td>
                  <td>{d.organization.name}</td>
                  <td>{d.host ?? t('common.none')}</td>
                  <td className="numeric">{d.port ?? t('common.none')}</td>
                  <td>{d.description ?? t('common.none')}</td>
                  <td className="numeric">{d.caseCount}</td>
                  <td>{d.active ? t('devices.active') : t('devices.inactive')}</td>
                  <td>
                    <button type="button" disabled={busy !== null} onClick={() => void toggle(d)}>
                      {d.active ? t('devices.deactivate') : t('devices.activate')}
                    </button>{' '}
                    <button type="button" disabled={busy !== null} onClick={() => void act(d.id, () => api.removeDevice(d.id))}>
                      {t('devices.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {consortium.data && <ExamCodes organizations={consortium.data.organizations} onChanged={consortium.reload} />}
      <HisOutbox />
    </section>
  );
}
