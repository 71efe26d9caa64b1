-- teledx 0022: the dashboard's rollup (server/dashboard/rollup.ts). The Case-derived figures (IMAGING and ECG
-- volumes, turnaround and SLA compliance, quality) are counted once, at a case's first signature, per China-time day
-- (grain 'D', bucket YYYY-MM-DD) and month (grain 'M', bucket YYYY-MM), the turnaround also per year (grain 'Y',
-- bucket YYYY); a period's figures sum its whole years and months and the days of the months it cuts. centreId
-- is '' for a case without a centre (a key column may not be NULL).

CREATE TABLE "DashboardCaseRollup" (
  "grain" TEXT NOT NULL,
  "bucket" TEXT NOT NULL,
  "originOrgId" TEXT NOT NULL,
  "centreId" TEXT NOT NULL,
  "examKind" TEXT NOT NULL,
  "signed" INTEGER NOT NULL DEFAULT 0,
  "returned" INTEGER NOT NULL DEFAULT 0,
  "returns" INTEGER NOT NULL DEFAULT 0,
  "critical" INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY ("grain", "bucket", "originOrgId", "centreId", "examKind")
);

-- the histograms of the turnaround: measure TOTAL (submission to signature; onTime: within the deadline in force
-- when signed) and CLAIM (submission to first claim), in bins of `width` minutes (1 and 16) starting at `minutes`
CREATE TABLE "DashboardTurnaroundRollup" (
  "grain" TEXT NOT NULL,
  "bucket" TEXT NOT NULL,
  "width" INTEGER NOT NULL,
  "centreId" TEXT NOT NULL,
  "priority" TEXT NOT NULL,
  "measure" TEXT NOT NULL,
  "minutes" INTEGER NOT NULL,
  "cases" INTEGER NOT NULL DEFAULT 0,
  "onTime" INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY ("grain", "bucket", "width", "centreId", "priority", "measure", "minutes")
);

-- the backfill: the statements rebuildDashboardRollup runs (server/dashboard/rollup.ts backfillStatements, printed
-- with the default SLA, STAT=30,URGENT=120,ROUTINE=1440; a server started with another TELEDX_SLA_MINUTES
-- rebuilds the rollup once, right after applying this migration)
INSERT INTO "DashboardCaseRollup" ("grain", "bucket", "originOrgId", "centreId", "examKind", "signed", "returned", "returns", "critical")
SELECT * FROM (
  SELECT 'D' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM-DD') AS "bucket", "originOrgId",
         COALESCE("centreId", '') AS "centreId", "examKind", COUNT(*) AS "signed",
         SUM(CASE WHEN "returnCount" > 0 THEN 1 ELSE 0 END) AS "returned", SUM("returnCount") AS "returns",
         SUM(CASE WHEN "criticalFlaggedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "critical"
  FROM "Case" WHERE "signedAt" IS NOT NULL AND 1 = 1
  GROUP BY 1, 2, 3, 4, 5 UNION ALL
  SELECT 'M' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM') AS "bucket", "originOrgId",
         COALESCE("centreId", '') AS "centreId", "examKind", COUNT(*) AS "signed",
         SUM(CASE WHEN "returnCount" > 0 THEN 1 ELSE 0 END) AS "returned", SUM("returnCount") AS "returns",
         SUM(CASE WHEN "criticalFlaggedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "critical"
  FROM "Case" WHERE "signedAt" IS NOT NULL AND 1 = 1
  GROUP BY 1, 2, 3, 4, 5) AS "r" WHERE true
ON CONFLICT ("grain", "bucket", "originOrgId", "centreId", "examKind") DO UPDATE SET
  "signed" = "DashboardCaseRollup"."signed" + excluded."signed",
  "returned" = "DashboardCaseRollup"."returned" + excluded."returned",
  "returns" = "DashboardCaseRollup"."returns" + excluded."returns",
  "critical" = "DashboardCaseRollup"."critical" + excluded."critical";

INSERT INTO "DashboardTurnaroundRollup" ("grain", "bucket", "width", "centreId", "priority", "measure", "minutes", "cases", "onTime")
SELECT * FROM (
      SELECT 'D' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM-DD') AS "bucket",
    1 AS "width", "centreId", "priority", 'TOTAL' AS "measure", CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'D' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM-DD') AS "bucket",
    1 AS "width", "centreId", "priority", 'CLAIM' AS "measure", CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'D' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM-DD') AS "bucket",
    16 AS "width", "centreId", "priority", 'TOTAL' AS "measure", (CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'D' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM-DD') AS "bucket",
    16 AS "width", "centreId", "priority", 'CLAIM' AS "measure", (CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'M' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM') AS "bucket",
    1 AS "width", "centreId", "priority", 'TOTAL' AS "measure", CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'M' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM') AS "bucket",
    1 AS "width", "centreId", "priority", 'CLAIM' AS "measure", CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'M' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM') AS "bucket",
    16 AS "width", "centreId", "priority", 'TOTAL' AS "measure", (CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'M' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY-MM') AS "bucket",
    16 AS "width", "centreId", "priority", 'CLAIM' AS "measure", (CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'Y' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY') AS "bucket",
    1 AS "width", "centreId", "priority", 'TOTAL' AS "measure", CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'Y' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY') AS "bucket",
    1 AS "width", "centreId", "priority", 'CLAIM' AS "measure", CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'Y' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY') AS "bucket",
    16 AS "width", "centreId", "priority", 'TOTAL' AS "measure", (CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "signedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases",
             SUM(CASE WHEN date_part('epoch', "signedAt" - "submittedAt") <= CASE WHEN "priority" = 'STAT' THEN 30 WHEN "priority" = 'URGENT' THEN 120 WHEN "priority" = 'ROUTINE' THEN 1440 END * 60 + 0.0005 THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1
      GROUP BY 1, 2, 3, 4, 5, 6, 7 UNION ALL
      SELECT 'Y' AS "grain", to_char("signedAt" + INTERVAL '8 hours', 'YYYY') AS "bucket",
    16 AS "width", "centreId", "priority", 'CLAIM' AS "measure", (CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) - ((CAST(FLOOR(date_part('epoch', "firstClaimedAt" - "submittedAt") / 60.0 + 0.5) AS INTEGER) % 16) + 16) % 16) AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND 1 = 1 AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7) AS "r" WHERE true
ON CONFLICT ("grain", "bucket", "width", "centreId", "priority", "measure", "minutes") DO UPDATE SET
  "cases" = "DashboardTurnaroundRollup"."cases" + excluded."cases",
  "onTime" = "DashboardTurnaroundRollup"."onTime" + excluded."onTime";
