// /api/devices: administrators register the townships' DICOM devices (AE titles accepted on the DICOM port).
import { z } from 'zod';
import { deviceDtoSchema, deviceInputSchema, townshipDicomSettingsDtoSchema, townshipDicomSettingsSchema } from '../../shared/devices.ts';
import { route } from '../http/route-spec.ts';
import { createDevice, listDevices, removeDevice, updateDevice, updateTownshipDicomSettings } from './service.ts';

export const deviceRoutes = [
  route({
    method: 'get',
    path: '/devices',
    summary: 'Registered DICOM devices (administrators)',
    access: ['ADMIN'],
    ok: { status: 200, description: 'the devices, active first', schema: z.array(deviceDtoSchema) },
    handle: ({ ctx }) => listDevices(ctx.db),
  }),
  route({
    method: 'post',
    path: '/devices',
    summary: 'Register a DICOM device of a township (administrators)',
    access: ['ADMIN'],
    body: deviceInputSchema,
    ok: { status: 201, description: 'the device', schema: deviceDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, req, ip }) => createDevice(ctx.db, actor, req.body, ip),
  }),
  route({
    method: 'put',
    path: '/devices/:id',
    summary: 'Change or switch off a DICOM device (administrators)',
    access: ['ADMIN'],
    body: deviceInputSchema,
    ok: { status: 200, description: 'the device', schema: deviceDtoSchema },
    errors: [404, 409],
    handle: ({ ctx, actor, params, req, ip }) => updateDevice(ctx.db, actor, params.id!, req.body, ip),
  }),
  route({
    method: 'delete',
    path: '/devices/:id',
    summary: 'Remove a DICOM device: deleted if it never sent images, else switched off (administrators)',
    access: ['ADMIN'],
    ok: { status: 204, description: 'removed or switched off' },
    errors: [404],
    handle: ({ ctx, actor, params, ip }) => removeDevice(ctx.db, actor, params.id!, ip),
  }),
  route({
    method: 'put',
    path: '/organizations/:id/dicom-settings',
    summary: "A township's DICOM settings: mppsAutoSubmit, a device's MPPS COMPLETED also submits the case (administrators)",
    access: ['ADMIN'],
    body: townshipDicomSettingsSchema,
    ok: { status: 200, description: 'the settings', schema: townshipDicomSettingsDtoSchema },
    errors: [404],
    handle: ({ ctx, actor, params, req, ip }) => updateTownshipDicomSettings(ctx.db, actor, params.id!, req.body, ip),
  }),
];
