// /api/dashboard: the county's dashboard (调度一张图), for administrators (the whole consortium) and reading
// centres' supervisors (their centres). Each figure as JSON and, with .csv, as a file for Excel.
import {
  dashboardLoadSchema,
  dashboardPeriodSchema,
  dashboardQualitySchema,
  dashboardTurnaroundSchema,
  dashboardVolumesSchema,
} from '../../shared/dashboard.ts';
import { route } from '../http/route-spec.ts';
import { loadCsv, qualityCsv, sendCsv, turnaroundCsv, volumesCsv } from './csv.ts';
import { dashboardLoad } from './load.ts';
import { dashboardQuality } from './quality.ts';
import { dashboardTurnaround } from './turnaround.ts';
import { dashboardVolumes } from './volumes.ts';

const DASHBOARD_ROLES = ['SUPERVISOR', 'ADMIN'] as const;
const CSV = { status: 200, description: 'the same figures as CSV for Excel (UTF-8 with BOM)', contentType: 'text/csv' };
const PERIOD = '?from=&to= (China-time days, both included; by default the twelve months up to today)';

export const dashboardRoutes = [
  route({
    method: 'get',
    path: '/dashboard/volumes',
    summary: `Dashboard: diagnoses and consultations per service, township and month over ${PERIOD}`,
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: { status: 200, description: 'the counts', schema: dashboardVolumesSchema },
    handle: ({ ctx, actor, query }) => dashboardVolumes(ctx, actor, query),
  }),
  route({
    method: 'get',
    path: '/dashboard/volumes.csv',
    summary: 'Dashboard: the volumes as CSV',
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: CSV,
    handle: async ({ ctx, actor, query, res }) => {
      const v = await dashboardVolumes(ctx, actor, query);
      sendCsv(res, `volumes-${v.from}-${v.to}`, volumesCsv(v));
    },
  }),
  route({
    method: 'get',
    path: '/dashboard/turnaround',
    summary: `Dashboard: turnaround (median, 90th percentile) and SLA compliance per centre and priority, cases signed over ${PERIOD}`,
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: { status: 200, description: 'the figures', schema: dashboardTurnaroundSchema },
    handle: ({ ctx, actor, query }) => dashboardTurnaround(ctx, actor, query),
  }),
  route({
    method: 'get',
    path: '/dashboard/turnaround.csv',
    summary: 'Dashboard: turnaround and SLA compliance as CSV',
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: CSV,
    handle: async ({ ctx, actor, query, res }) => {
      const t = await dashboardTurnaround(ctx, actor, query);
      sendCsv(res, `turnaround-${t.from}-${t.to}`, turnaroundCsv(t));
    },
  }),
  route({
    method: 'get',
    path: '/dashboard/quality',
    summary: `Dashboard: returns for quality and critical values per township, cases signed over ${PERIOD}`,
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: { status: 200, description: 'the figures', schema: dashboardQualitySchema },
    handle: ({ ctx, actor, query }) => dashboardQuality(ctx, actor, query),
  }),
  route({
    method: 'get',
    path: '/dashboard/quality.csv',
    summary: 'Dashboard: returns for quality and critical values as CSV',
    access: DASHBOARD_ROLES,
    query: dashboardPeriodSchema,
    ok: CSV,
    handle: async ({ ctx, actor, query, res }) => {
      const q = await dashboardQuality(ctx, actor, query);
      sendCsv(res, `quality-${q.from}-${q.to}`, qualityCsv(q));
    },
  }),
  route({
    method: 'get',
    path: '/dashboard/load',
    summary: 'Dashboard: each reading centre now: cases waiting, held by a reader, overdue (refetch on case:changed)',
    access: DASHBOARD_ROLES,
    ok: { status: 200, description: 'the load', schema: dashboardLoadSchema },
    handle: ({ ctx, actor }) => dashboardLoad(ctx, actor),
  }),
  route({
    method: 'get',
    path: '/dashboard/load.csv',
    summary: 'Dashboard: the current load as CSV',
    access: DASHBOARD_ROLES,
    ok: CSV,
    handle: async ({ ctx, actor, res }) => {
      const l = await dashboardLoad(ctx, actor);
      sendCsv(res, `load-${l.at.slice(0, 10)}`, loadCsv(l));
    },
  }),
];
