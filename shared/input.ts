// The building blocks of the request schemas' text and date fields, so that every schema refuses the same things
// the same way: control characters in text (a NUL truncates the field in C libraries and PostgreSQL refuses it
// outright) and dates that no calendar has. Each refusal carries a code in its issue's params, which the server's
// error handler turns into the response's error code.
import { z } from 'zod';
import { isPastCalendarDate } from './national-id.ts';

/** The codes the refusals below carry (the client translates them). */
export const INPUT_ERROR_CODES = ['CONTROL_CHARACTERS', 'INVALID_DATE'] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** C0 controls and DEL; a multi-line text may keep tab, line feed and carriage return. */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const SINGLE_LINE_CONTROLS = /[\u0000-\u001F\u007F]/;
const MULTI_LINE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/* eslint-enable no-control-regex */

/**
 * A string without control characters (a single line unless `multiline`). Chain the usual checks after it:
 * `safeText().trim().min(1).max(64)`.
 */
export function safeText(options: { multiline?: boolean } = {}) {
  const controls = options.multiline ? MULTI_LINE_CONTROLS : SINGLE_LINE_CONTROLS;
  return z.string().refine((value) => !controls.test(value), {
    message: options.multiline
      ? 'must not contain control characters (other than tab and line breaks)'
      : 'must not contain control characters',
    params: { code: 'CONTROL_CHARACTERS' satisfies InputErrorCode },
  });
}

/** An identifier sent back to the server (a case, a centre, a user): non-empty, no control characters. */
export const idText = () => safeText().min(1);

/** A date in the past (or today) that exists on the calendar, as YYYY-MM-DD: a birth date, an exam date. */
export const pastCalendarDate = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .refine((v) => isPastCalendarDate(v), {
      message: 'not a real date, or a date in the future',
      params: { code: 'INVALID_DATE' satisfies InputErrorCode },
    });
