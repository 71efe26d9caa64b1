// The finance office's monthly settlement in Chromium, in Chinese: a report signed this month is on 城关镇卫生院's
// statement; finance1 reviews it, locks the month and downloads the statement as XLSX, which opens with exceljs and
// says what the screen said.
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { chinaMonth } from '../../shared/billing.ts';
import { signCase, submittedCase } from '../helpers/fhir.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

const running = serverAndChromium();

it('finance1 reviews and locks a month and downloads its statement as XLSX', { timeout: 120_000 }, async () => {
  const { caseId } = await submittedCase(await running.server.login('tech1'), { name: '张三' });
  await signCase(await running.server.login('reader1'), caseId);
  const accession = (await running.server.server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).accessionNumber;
  const month = chinaMonth(new Date());

  const page = await loginInBrowser(running.browser, running.server.url, 'finance1');
  // finance starts at its settlements, and sees no cases
  await expect.poll(() => page.getByTestId('settlement-month').isVisible()).toBe(true);
  expect(await page.getByTestId('nav-cases').count()).toBe(0);
  await page.getByTestId('settlement-month').fill(month);
  const row = page.getByTestId('settlement-row').filter({ hasText: '城关镇卫生院' });
  await expect.poll(() => row.textContent()).toContain('80.00');
  expect(await row.textContent()).toContain('未审核');
  await row.getByTestId('settlement-open').click();

  const statement = page.getByTestId('statement');
  await expect.poll(() => statement.getByTestId('statement-entry').count()).toBe(1);
  expect(await statement.getByTestId('statement-entry').textContent()).toContain(accession);
  expect(await statement.getByTestId('statement-total').textContent()).toContain('24.00'); // 30 % of 80.00 to the township
  await statement.getByTestId('statement-review').click();
  await expect.poll(() => statement.getByTestId('statement-status').textContent()).toBe('已审核');
  await statement.getByTestId('statement-lock').click();
  await expect.poll(() => statement.getByTestId('statement-status').textContent()).toBe('已锁定');
  await expect.poll(() => row.textContent()).toContain('已锁定');
  expect(await statement.getByTestId('statement-lock').count()).toBe(0);

  const download = page.waitForEvent('download');
  await statement.getByTestId('statement-xlsx').click();
  const file = await (await download).path();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile(file)) as never); // a Node Buffer, which exceljs types as its own
  const sheet = workbook.getWorksheet('结算单')!;
  expect(sheet.getCell('B2').value).toBe(month);
  expect(sheet.getCell('B3').value).toBe('城关镇卫生院');
  expect(sheet.getCell('B5').value).toBe('已锁定');
  const values: unknown[] = [];
  sheet.eachRow((r) => values.push(...(r.values as unknown[])));
  expect(values).toContain(accession);
  // the entry's price and shares, in yuan
  const entryRow = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(5).value === accession)!;
  expect([entryRow.getCell(8).value, entryRow.getCell(9).value, entryRow.getCell(10).value]).toEqual([80, 24, 56]);
});
