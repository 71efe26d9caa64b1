// The county's dashboard (调度一张图) for administrators and centre supervisors: volumes per service, township and
// month; turnaround and SLA compliance per centre; returns for quality and critical values per township; the
// reading centres' load now, refetched whenever a case moves (case:changed). A date range for the first three,
// a CSV file per figure, and a full-screen mode for a wall screen (larger type, the page's chrome hidden).
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  VOLUME_SERVICES,
  type DashboardLoad,
  type DashboardQuality,
  type DashboardTurnaround,
  type DashboardVolumes,
} from '../../../../shared/dashboard.ts';
import { api, type DashboardFigure, type DashboardPeriod } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { EChart, type ChartOption } from '../../components/EChart.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useDurationText } from '../../reading/timers.tsx';
import { useCaseEvents, useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { useFullscreen } from '../../viewer/useFullscreen.ts';

/** how long the load waits after a case:changed before refetching (a burst of moves is one request) */
const LOAD_REFETCH_MS = 1000;

export function DashboardScreen() {
  const { t } = useTranslation();
  const wall = useRef<HTMLElement>(null);
  const fullscreen = useFullscreen(wall);
  const [period, setPeriod] = useState<DashboardPeriod>({});
  const volumes = useApi(() => api.dashboard('volumes', period), [period.from, period.to]);
  const turnaround = useApi(() => api.dashboard('turnaround', period), [period.from, period.to]);
  const quality = useApi(() => api.dashboard('quality', period), [period.from, period.to]);
  const load = useApi(() => api.dashboardLoad(), []);
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useCaseEvents(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      load.reload();
    }, LOAD_REFETCH_MS);
  });
  useResyncOnConnect(load.reload);
  // the period the server chose when none was asked for: the twelve months up to today
  const shown = { from: period.from ?? volumes.data?.from ?? '', to: period.to ?? volumes.data?.to ?? '' };
  const big = fullscreen.on;

  return (
    <section ref={wall} className={big ? 'dashboard dashboard-wall' : 'dashboard'} data-testid="dashboard">
      <div className="page-title">
        <h1>{t('dashboard.title')}</h1>
        <div className="filter-bar">
          <label>
            <span>{t('dashboard.from')}</span>
            <input
              type="date"
              data-testid="dashboard-from"
              value={shown.from}
              max={shown.to || undefined}
              onChange={(e) => e.target.value && setPeriod({ from: e.target.value, to: shown.to || undefined })}
            />
          </label>
          <label>
            <span>{t('dashboard.to')}</span>
            <input
              type="date"
              data-testid="dashboard-to"
              value={shown.to}
              min={shown.from || undefined}
              onChange={(e) => e.target.value && setPeriod({ from: shown.from || undefined, to: e.target.value })}
            />
          </label>
          <button type="button" data-testid="dashboard-fullscreen" onClick={fullscreen.toggle}>
            {big ? t('dashboard.exitFullscreen') : t('dashboard.fullscreen')}
          </button>
        </div>
      </div>
      <div className="dashboard-grid">
        <Figure title={t('dashboard.volumes.title')} figure="volumes" period={period} error={volumes.error} loaded={!!volumes.data}>
          {volumes.data && <Volumes data={volumes.data} big={big} />}
        </Figure>
        <Figure title={t('dashboard.load.title')} figure="load" period={period} error={load.error} loaded={!!load.data}>
          {load.data && <Load data={load.data} big={big} />}
        </Figure>
        <Figure
          title={t('dashboard.turnaround.title')}
          figure="turnaround"
          period={period}
          error={turnaround.error}
          loaded={!!turnaround.data}
        >
          {turnaround.data && <Turnaround data={turnaround.data} big={big} />}
        </Figure>
        <Figure title={t('dashboard.quality.title')} figure="quality" period={period} error={quality.error} loaded={!!quality.data}>
          {quality.data && <Quality data={quality.data} big={big} />}
        </Figure>
      </div>
    </section>
  );
}

function Figure(props: {
  title: string;
  figure: DashboardFigure | 'load';
  period: DashboardPeriod;
  error: unknown;
  loaded: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="card dashboard-figure" data-testid={`dashboard-${props.figure}`}>
      <div className="dashboard-figure-title">
        <h2>{props.title}</h2>
        <a className="button" data-testid={`dashboard-${props.figure}-csv`} href={api.dashboardCsvUrl(props.figure, props.period)} download>
          {t('dashboard.csv')}
        </a>
      </div>
      <ErrorMessage error={props.error} />
      {!props.loaded && !props.error && <p className="muted">{t('common.loading')}</p>}
      {props.children}
    </section>
  );
}

/** Type large enough to read across a room when the dashboard is on a wall screen. */
const textStyle = (big: boolean) => ({ fontSize: big ? 18 : 12 });

function Volumes({ data, big }: { data: DashboardVolumes; big: boolean }) {
  const { t } = useTranslation();
  const totals = useMemo(() => {
    const byService = new Map(VOLUME_SERVICES.map((s) => [s, 0]));
    for (const r of data.rows) byService.set(r.service, byService.get(r.service)! + r.count);
    return byService;
  }, [data]);
  const total = [...totals.values()].reduce((s, n) => s + n, 0);
  const byMonth: ChartOption = useMemo(
    () => ({
      textStyle: textStyle(big),
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: textStyle(big) },
      grid: { left: 48, right: 16, top: big ? 48 : 36, bottom: 28 },
      xAxis: { type: 'category', data: data.months, axisLabel: textStyle(big) },
      yAxis: { type: 'value', axisLabel: textStyle(big) },
      series: VOLUME_SERVICES.map((service) => ({
        name: t(`dashboard.services.${service}`),
        type: 'bar',
        stack: 'volume',
        data: data.months.map((m) => data.rows.filter((r) => r.service === service && r.month === m).reduce((s, r) => s + r.count, 0)),
      })),
    }),
    [data, big, t],
  );
  const byTownship: ChartOption = useMemo(
    () => ({
      textStyle: textStyle(big),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, textStyle: textStyle(big) },
      grid: { left: big ? 160 : 110, right: 16, top: big ? 48 : 36, bottom: 24 },
      xAxis: { type: 'value', axisLabel: textStyle(big) },
      yAxis: { type: 'category', data: data.organizations.map((o) => o.name), axisLabel: textStyle(big) },
      series: VOLUME_SERVICES.map((service) => ({
        name: t(`dashboard.services.${service}`),
        type: 'bar',
        stack: 'township',
        data: data.organizations.map((o) =>
          data.rows.filter((r) => r.service === service && r.organizationId === o.id).reduce((s, r) => s + r.count, 0),
        ),
      })),
    }),
    [data, big, t],
  );
  return (
    <>
      <p className="dashboard-totals">
        <span data-testid="dashboard-volumes-total" data-total={total}>
          {t('dashboard.volumes.total', { count: total })}
        </span>
        {VOLUME_SERVICES.map((s) => (
          <span key={s} data-testid={`dashboard-volumes-${s}`} data-total={totals.get(s)}>
            {t(`dashboard.services.${s}`)}
            {t('common.colon')}
            {totals.get(s)}
          </span>
        ))}
      </p>
      <EChart option={byMonth} testId="dashboard-volumes-chart" />
      <EChart option={byTownship} testId="dashboard-townships-chart" />
    </>
  );
}

function Load({ data, big }: { data: DashboardLoad; big: boolean }) {
  const { t } = useTranslation();
  const option: ChartOption = useMemo(
    () => ({
      textStyle: textStyle(big),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, textStyle: textStyle(big) },
      grid: { left: 48, right: 16, top: big ? 48 : 36, bottom: 28 },
      xAxis: { type: 'category', data: data.rows.map((r) => r.centre.name), axisLabel: textStyle(big) },
      yAxis: { type: 'value', minInterval: 1, axisLabel: textStyle(big) },
      series: (['waiting', 'claimed', 'overdue'] as const).map((key) => ({
        name: t(`dashboard.load.${key}`),
        type: 'bar',
        data: data.rows.map((r) => r[key]),
        label: { show: true, position: 'top', ...textStyle(big) },
      })),
    }),
    [data, big, t],
  );
  return (
    <>
      <table className="case-table dashboard-table">
        <thead>
          <tr>
            <th>{t('dashboard.centre')}</th>
            <th className="numeric">{t('dashboard.load.waiting')}</th>
            <th className="numeric">{t('dashboard.load.claimed')}</th>
            <th className="numeric">{t('dashboard.load.overdue')}</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.centre.id} data-testid="dashboard-load-row" data-centre={r.centre.name}>
              <td>{r.centre.name}</td>
              <td className="numeric" data-testid="load-waiting">
                {r.waiting}
              </td>
              <td className="numeric" data-testid="load-claimed">
                {r.claimed}
              </td>
              <td className={r.overdue > 0 ? 'numeric overdue' : 'numeric'} data-testid="load-overdue">
                {r.overdue}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <EChart option={option} testId="dashboard-load-chart" />
    </>
  );
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

function Turnaround({ data, big }: { data: DashboardTurnaround; big: boolean }) {
  const { t } = useTranslation();
  const duration = useDurationText();
  const label = (r: DashboardTurnaround['rows'][number]) => `${r.centre.name} ${t(`priority.${r.priority}`)}`;
  const option: ChartOption = useMemo(
    () => ({
      textStyle: textStyle(big),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: big ? 200 : 140, right: 48, top: 16, bottom: 24 },
      xAxis: { type: 'value', max: 100, axisLabel: { ...textStyle(big), formatter: '{value}%' } },
      yAxis: { type: 'category', data: data.rows.map(label), axisLabel: textStyle(big) },
      series: [
        {
          name: t('dashboard.turnaround.onTime'),
          type: 'bar',
          data: data.rows.map((r) => percent(r.onTime, r.signed)),
          label: { show: true, position: 'right', formatter: '{c}%', ...textStyle(big) },
        },
      ],
    }),
    // label reads t
    [data, big, t],
  );
  if (data.rows.length === 0) return <p className="empty">{t('dashboard.empty')}</p>;
  return (
    <>
      <EChart option={option} testId="dashboard-turnaround-chart" />
      <table className="case-table dashboard-table">
        <thead>
          <tr>
            <th>{t('dashboard.centre')}</th>
            <th className="numeric">{t('dashboard.turnaround.signed')}</th>
            <th className="numeric">{t('dashboard.turnaround.onTime')}</th>
            <th>{t('dashboard.turnaround.toClaim')}</th>
            <th>{t('dashboard.turnaround.total')}</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={`${r.centre.id}:${r.priority}`} data-testid="dashboard-turnaround-row">
              <td>{label(r)}</td>
              <td className="numeric">{r.signed}</td>
              <td className="numeric">{t('dashboard.percent', { value: percent(r.onTime, r.signed) })}</td>
              <td>
                {r.toClaim
                  ? t('quality.turnaround.spread', { median: duration(r.toClaim.median * 60_000), p90: duration(r.toClaim.p90 * 60_000) })
                  : '—'}
              </td>
              <td>{t('quality.turnaround.spread', { median: duration(r.total.median * 60_000), p90: duration(r.total.p90 * 60_000) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Quality({ data, big }: { data: DashboardQuality; big: boolean }) {
  const { t } = useTranslation();
  const option: ChartOption = useMemo(
    () => ({
      textStyle: textStyle(big),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${String(v)}%` },
      legend: { top: 0, textStyle: textStyle(big) },
      grid: { left: 48, right: 16, top: big ? 48 : 36, bottom: 28 },
      xAxis: { type: 'category', data: data.rows.map((r) => r.organization.name), axisLabel: textStyle(big) },
      yAxis: { type: 'value', axisLabel: { ...textStyle(big), formatter: '{value}%' } },
      series: [
        { name: t('dashboard.quality.returnRate'), type: 'bar', data: data.rows.map((r) => percent(r.returned, r.signed)) },
        { name: t('dashboard.quality.criticalRate'), type: 'bar', data: data.rows.map((r) => percent(r.critical, r.signed)) },
      ],
    }),
    [data, big, t],
  );
  if (data.rows.length === 0) return <p className="empty">{t('dashboard.empty')}</p>;
  return (
    <>
      <EChart option={option} testId="dashboard-quality-chart" />
      <table className="case-table dashboard-table">
        <thead>
          <tr>
            <th>{t('dashboard.township')}</th>
            <th className="numeric">{t('dashboard.quality.signed')}</th>
            <th className="numeric">{t('dashboard.quality.returnRate')}</th>
            <th className="numeric">{t('dashboard.quality.criticalRate')}</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.organization.id} data-testid="dashboard-quality-row" data-signed={r.signed}>
              <td>{r.organization.name}</td>
              <td className="numeric">{r.signed}</td>
              <td className="numeric">{t('dashboard.percent', { value: percent(r.returned, r.signed) })}</td>
              <td className="numeric">{t('dashboard.percent', { value: percent(r.critical, r.signed) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
